package io.sightline.shiftleft.harbor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountFailure;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.Connector;
import io.sightline.shiftleft.ScannerPull;
import io.sightline.shiftleft.Secret;
import io.sightline.shiftleft.http.ApiException;
import io.sightline.shiftleft.http.JsonApi;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a Harbor registry through its v2.0 API with basic authentication: projects, each
 * project's repositories, each repository's image artifacts (with their tags) and each artifact's
 * vulnerability report ({@code .../artifacts/{digest}/additions/vulnerabilities}). Lists are paged
 * by the {@code Link: <...>; rel="next"} header Harbor sends. The report is kept as Harbor wrote it
 * and read by the {@code harbor} parser; the envelope names the artifact (registry host,
 * repository, first tag, digest), which the older 1.0 report does not. Thread safe.
 */
public final class HarborConnector implements Connector<Account.Harbor> {

    /** The report types asked for, newest first (Harbor's {@code X-Accept-Vulnerabilities} header). */
    static final String ACCEPT_VULNERABILITIES = "application/vnd.security.vulnerability.report; version=1.1, "
            + "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

    private static final Logger log = LoggerFactory.getLogger(HarborConnector.class);
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int PAGE_SIZE = 100;
    private static final int MAX_PAGES = 10_000;

    private final JsonApi api;
    private final Function<String, String> env;

    public HarborConnector(JsonApi api, Function<String, String> env) {
        this.api = requireNonNull(api, "api is null");
        this.env = requireNonNull(env, "env is null");
    }

    @Override
    public AccountPull pull(Account.Harbor account) throws InterruptedException {
        Map<String, String> headers = headers(account);
        String base = account.url() + "/api/v2.0";
        List<ScannerPull> reports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int images = 0;
        for (JsonNode project : pages(account, URI.create(base + "/projects?page=1&page_size=" + PAGE_SIZE), headers)) {
            String projectName = project.path("name").asText();
            String projectPath = base + "/projects/" + segment(projectName);
            for (JsonNode repository :
                    pages(account, URI.create(projectPath + "/repositories?page=1&page_size=" + PAGE_SIZE), headers)) {
                String repositoryName = repository.path("name").asText();
                String inProject = repositoryName.startsWith(projectName + "/")
                        ? repositoryName.substring(projectName.length() + 1)
                        : repositoryName;
                // Harbor wants a slash in a repository name encoded twice: a/b -> a%252Fb.
                String repositoryPath = projectPath + "/repositories/" + segment(segment(inProject));
                for (JsonNode artifact : pages(
                        account,
                        URI.create(repositoryPath + "/artifacts?page=1&page_size=" + PAGE_SIZE
                                + "&with_tag=true&with_scan_overview=true"),
                        headers)) {
                    String digest = artifact.path("digest").asText();
                    String type = artifact.path("type").asText("IMAGE");
                    if (!type.equalsIgnoreCase("IMAGE")) {
                        continue;
                    }
                    images++;
                    String reference = reference(account.url(), repositoryName, artifact);
                    URI source = URI.create(repositoryPath + "/artifacts/" + digest + "/additions/vulnerabilities");
                    pullReport(account, headers, source, reference, digest, repositoryName, reports, problems);
                }
            }
        }
        return new AccountPull(account.name(), account.kind(), images, reports, problems, Optional.empty());
    }

    private void pullReport(
            Account.Harbor account,
            Map<String, String> headers,
            URI source,
            String reference,
            String digest,
            String repositoryName,
            List<ScannerPull> reports,
            List<String> problems)
            throws InterruptedException {
        Map<String, String> withAccept = new HashMap<>(headers);
        withAccept.put("X-Accept-Vulnerabilities", ACCEPT_VULNERABILITIES);
        try {
            JsonNode report = get(account, source, withAccept).body();
            if (!report.isObject() || report.isEmpty()) {
                problems.add("artifact " + reference + " (" + digest + "): no vulnerability report (not scanned yet)");
                return;
            }
            reports.add(new ScannerPull(
                    account.name(),
                    account.kind(),
                    repositoryName + "@" + digest,
                    source,
                    Optional.of(reference),
                    List.of(digest),
                    report));
        } catch (ApiException e) {
            if (e.isAuthFailure()) {
                throw rejected(account, e);
            }
            String reason = e.isNotFound() ? "no vulnerability report (HTTP 404: not scanned yet)" : e.getMessage();
            problems.add("artifact " + reference + " (" + digest + "): " + reason + "; other artifacts kept");
            log.warn("account={} artifact={} error=[{}]; artifact skipped", account.name(), reference, e.getMessage());
        }
    }

    /** {@code host[:port]/<project>/<repository>:<first tag>}, or {@code @<digest>} for an untagged artifact. */
    static String reference(URI registry, String repositoryName, JsonNode artifact) {
        String name = registry.getRawAuthority() + "/" + repositoryName;
        JsonNode tags = artifact.path("tags");
        if (tags.isArray() && !tags.isEmpty() && tags.get(0).path("name").isTextual()) {
            return name + ":" + tags.get(0).path("name").asText();
        }
        return name + "@" + artifact.path("digest").asText();
    }

    private Map<String, String> headers(Account.Harbor account) {
        String password;
        try {
            password = account.password().resolve(env);
        } catch (Secret.SecretUnavailableException e) {
            throw new AccountFailure("Harbor account " + account.name() + ": no password: " + e.getMessage(), e);
        }
        String basic =
                Base64.getEncoder().encodeToString((account.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Map.of("Authorization", "Basic " + basic, "Accept", "application/json");
    }

    private List<JsonNode> pages(Account.Harbor account, URI first, Map<String, String> headers)
            throws InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        Optional<URI> next = Optional.of(first);
        while (next.isPresent()) {
            URI uri = next.get();
            if (!seen.add(uri) || seen.size() > MAX_PAGES) {
                throw new ApiException(0, uri, "GET " + uri + ": paging loops or exceeds " + MAX_PAGES + " pages");
            }
            JsonApi.Response page = get(account, uri, headers);
            if (!page.body().isArray()) {
                throw new ApiException(
                        200,
                        uri,
                        "GET " + uri + ": expected a JSON array, got "
                                + page.body().getNodeType());
            }
            page.body().forEach(items::add);
            next = page.headers().allValues("Link").stream()
                    .map(NEXT::matcher)
                    .filter(Matcher::find)
                    .map(m -> uri.resolve(m.group(1)))
                    .findFirst();
        }
        return items;
    }

    private JsonApi.Response get(Account.Harbor account, URI uri, Map<String, String> headers)
            throws InterruptedException {
        try {
            return api.get(uri, headers);
        } catch (ApiException e) {
            if (e.isAuthFailure()) {
                throw rejected(account, e);
            }
            throw e;
        }
    }

    private static AccountFailure rejected(Account.Harbor account, ApiException e) {
        return new AccountFailure(
                "Harbor account " + account.name() + ": user " + account.user() + " with the password from "
                        + account.password() + " was rejected (HTTP " + e.status() + "): " + e.getMessage(),
                e);
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
