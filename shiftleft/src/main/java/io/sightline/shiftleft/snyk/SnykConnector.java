package io.sightline.shiftleft.snyk;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a Snyk organisation through the Snyk REST API (JSON:API): the organisation ({@code GET
 * /orgs/{org}}), its projects ({@code GET /orgs/{org}/projects}), and the issues ({@code GET
 * /orgs/{org}/issues?scan_item.id=...&scan_item.type=project}) of each project that scanned an
 * image: the operating-system projects ({@code apk}, {@code deb}, {@code rpm}, {@code linux}) and
 * the application projects ({@code npm}, {@code maven}, {@code pip}, {@code gomodules}, ...) that
 * Snyk found inside those images (see {@link ImageProjects}). Both lists are cursor paged: each
 * page's {@code links.next} is followed until it is absent. A project's issue pages are merged
 * into one issues document, read by the {@code snyk-rest-issues} parser; the image reference (the
 * operating-system project's name, also for the application projects inside it) goes into the
 * envelope, since issues name no image, so an application's findings join its image. Thread safe.
 */
public final class SnykConnector implements Connector<Account.Snyk> {

    /** The REST API version the requests ask for; the corpus responses were written by it. */
    public static final String API_VERSION = "2024-10-15";

    private static final Logger log = LoggerFactory.getLogger(SnykConnector.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int PAGE_LIMIT = 100;
    private static final int MAX_PAGES = 10_000;

    private final JsonApi api;
    private final Function<String, String> env;

    public SnykConnector(JsonApi api, Function<String, String> env) {
        this.api = requireNonNull(api, "api is null");
        this.env = requireNonNull(env, "env is null");
    }

    @Override
    public AccountPull pull(Account.Snyk account) throws InterruptedException {
        Map<String, String> headers = headers(account);
        String org = URLEncoder.encode(account.orgId(), StandardCharsets.UTF_8);
        URI base = account.apiUrl();
        JsonNode orgDocument = get(account, URI.create(base + "/orgs/" + org + "?version=" + API_VERSION), headers)
                .body();
        log.info(
                "account={} org={} name=[{}] listing projects",
                account.name(),
                account.orgId(),
                orgDocument.path("data").path("attributes").path("name").asText(""));
        // Every type: the application projects inside an image are npm, maven, pip, ... projects, and
        // Snyk's types filter cannot ask for "projects whose target is an image".
        ImageProjects.Sorted sorted = ImageProjects.sort(pages(
                account,
                URI.create(base + "/orgs/" + org + "/projects?version=" + API_VERSION + "&limit=" + PAGE_LIMIT),
                headers));
        List<ScannerPull> reports = new ArrayList<>();
        List<String> problems = new ArrayList<>(sorted.problems());
        for (ImageProjects.ImageProject project : sorted.projects()) {
            String id = project.id();
            String name = project.name();
            URI first = URI.create(base + "/orgs/" + org + "/issues?version=" + API_VERSION + "&limit=" + PAGE_LIMIT
                    + "&scan_item.id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&scan_item.type=project");
            try {
                ObjectNode issues = MAPPER.createObjectNode();
                issues.putObject("jsonapi").put("version", "1.0");
                ArrayNode data = issues.putArray("data");
                pages(account, first, headers).forEach(data::add);
                issues.putObject("links").put("self", first.toString());
                reports.add(new ScannerPull(
                        account.name(),
                        account.kind(),
                        "project-" + id,
                        first,
                        Optional.of(project.image()),
                        List.of(),
                        issues));
            } catch (ApiException e) {
                if (e.isAuthFailure()) {
                    throw rejected(account, e);
                }
                problems.add("project " + id + " (" + name + "): " + e.getMessage()
                        + "; its issues were not pulled, other projects kept");
                log.warn("account={} project={} error=[{}]; project skipped", account.name(), id, e.getMessage());
            }
        }
        return new AccountPull(account.name(), account.kind(), sorted.images(), reports, problems, Optional.empty());
    }

    private Map<String, String> headers(Account.Snyk account) {
        String token;
        try {
            token = account.token().resolve(env);
        } catch (Secret.SecretUnavailableException e) {
            throw new AccountFailure("Snyk account " + account.name() + ": no token: " + e.getMessage(), e);
        }
        return Map.of("Authorization", "token " + token, "Accept", "application/vnd.api+json");
    }

    private List<JsonNode> pages(Account.Snyk account, URI first, Map<String, String> headers)
            throws InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        Optional<URI> next = Optional.of(first);
        while (next.isPresent()) {
            URI uri = next.get();
            if (!seen.add(uri) || seen.size() > MAX_PAGES) {
                throw new ApiException(0, uri, "GET " + uri + ": paging loops or exceeds " + MAX_PAGES + " pages");
            }
            JsonNode page = get(account, uri, headers).body();
            page.path("data").forEach(items::add);
            next = nextPage(account.apiUrl(), page.path("links").path("next"));
        }
        return items;
    }

    /**
     * {@code links.next} as Snyk writes it: absolute, rooted at the host ({@code /rest/orgs/...})
     * or, in older versions, relative to the API root ({@code /orgs/...}).
     */
    static Optional<URI> nextPage(URI apiUrl, JsonNode link) {
        String text = link.isObject() ? link.path("href").asText("") : link.asText("");
        if (text.isBlank()) {
            return Optional.empty();
        }
        if (text.startsWith("http://") || text.startsWith("https://")) {
            return Optional.of(URI.create(text));
        }
        String root = apiUrl.getPath();
        String host = apiUrl.getScheme() + "://" + apiUrl.getRawAuthority();
        if (!root.isEmpty() && text.startsWith(root + "/")) {
            return Optional.of(URI.create(host + text));
        }
        return Optional.of(URI.create(apiUrl + (text.startsWith("/") ? text : "/" + text)));
    }

    private JsonApi.Response get(Account.Snyk account, URI uri, Map<String, String> headers)
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

    private static AccountFailure rejected(Account.Snyk account, ApiException e) {
        return new AccountFailure(
                "Snyk account " + account.name() + ": the token from " + account.token() + " was rejected (HTTP "
                        + e.status() + "; expired, revoked or without access to org " + account.orgId()
                        + "): " + e.getMessage(),
                e);
    }
}
