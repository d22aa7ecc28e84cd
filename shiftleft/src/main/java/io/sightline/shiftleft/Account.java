package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * A scanner account registered with {@code sightline shiftleft add}: where its API is and where
 * its credential is found. Values only; a connector does the talking.
 */
public sealed interface Account {

    String name();

    /** {@code snyk}, {@code harbor} or {@code ecr}. */
    String kind();

    /** One line for {@code shiftleft list}: never a credential, only where it is read from. */
    String describe();

    static String checkName(String name) {
        requireNonNull(name, "name is null");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("account name '" + name
                    + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    static URI checkUrl(String option, URI url) {
        requireNonNull(url, option + " is null");
        String scheme = Optional.ofNullable(url.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            throw new IllegalArgumentException(option + " must be an http(s) URL with a host, got '" + url + "'");
        }
        String text = url.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /** A Snyk organisation read through the Snyk REST API ({@code https://api.snyk.io/rest} by default). */
    record Snyk(String name, String orgId, URI apiUrl, Secret token) implements Account {
        public static final URI DEFAULT_API = URI.create("https://api.snyk.io/rest");

        public Snyk {
            checkName(name);
            requireNonNull(orgId, "orgId is null");
            if (orgId.isBlank()) {
                throw new IllegalArgumentException("--org must name a Snyk organisation id");
            }
            apiUrl = checkUrl("--api-url", apiUrl);
            requireNonNull(token, "token is null");
        }

        @Override
        public String kind() {
            return "snyk";
        }

        @Override
        public String describe() {
            return "org " + orgId + " at " + apiUrl + ", token from " + token;
        }
    }

    /** A Harbor registry read through its v2.0 API with basic authentication (a user or a robot account). */
    record Harbor(String name, URI url, String user, Secret password) implements Account {
        public Harbor {
            checkName(name);
            url = checkUrl("--url", url);
            requireNonNull(user, "user is null");
            if (user.isBlank()) {
                throw new IllegalArgumentException("--user must name a Harbor user or robot account");
            }
            requireNonNull(password, "password is null");
        }

        @Override
        public String kind() {
            return "harbor";
        }

        @Override
        public String describe() {
            return url + " as " + user + ", password from " + password;
        }
    }

    /**
     * An AWS account's ECR registry in one region, its findings read from Amazon Inspector. The
     * credentials come from the SDK's default chain, a named profile, or a role assumed from it.
     */
    record Ecr(String name, String region, Optional<String> profile, Optional<String> roleArn, Optional<URI> endpoint)
            implements Account {
        public Ecr {
            checkName(name);
            requireNonNull(region, "region is null");
            if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
                throw new IllegalArgumentException(
                        "--region must be an AWS region such as us-east-1, got '" + region + "'");
            }
            requireNonNull(profile, "profile is null");
            requireNonNull(roleArn, "roleArn is null");
            if (profile.isPresent() && roleArn.isPresent()) {
                throw new IllegalArgumentException("give --profile or --role-arn, not both");
            }
            roleArn.filter(arn -> !arn.startsWith("arn:aws")).ifPresent(arn -> {
                throw new IllegalArgumentException("--role-arn must be an IAM role ARN, got '" + arn + "'");
            });
            endpoint = requireNonNull(endpoint, "endpoint is null").map(u -> checkUrl("--endpoint-url", u));
        }

        @Override
        public String kind() {
            return "ecr";
        }

        @Override
        public String describe() {
            return "region " + region
                    + profile.map(p -> ", profile " + p).orElse("")
                    + roleArn.map(r -> ", role " + r).orElse("")
                    + (profile.isEmpty() && roleArn.isEmpty() ? ", default AWS credentials" : "")
                    + endpoint.map(e -> ", endpoint " + e).orElse("");
        }
    }
}
