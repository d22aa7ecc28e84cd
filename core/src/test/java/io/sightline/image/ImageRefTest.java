package io.sightline.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

    private static final String DIGEST = "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    private static final String ECR = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

    /**
     * Expected values follow distribution/reference's {@code ParseNormalizedNamed}: the first path
     * component is a registry only when it holds a dot or a colon or is {@code localhost};
     * {@code index.docker.io} is the legacy name of {@code docker.io}; a one-component Docker Hub
     * name lives under {@code library/}; {@code latest} is added only when neither tag nor digest
     * is given.
     */
    static Stream<Arguments> references() {
        return Stream.of(
                Arguments.of("nginx", "docker.io", "library/nginx", "latest", null),
                Arguments.of("nginx:1.25", "docker.io", "library/nginx", "1.25", null),
                Arguments.of("docker.io/library/nginx:1.25", "docker.io", "library/nginx", "1.25", null),
                Arguments.of("index.docker.io/library/nginx:1.25", "docker.io", "library/nginx", "1.25", null),
                Arguments.of("docker.io/nginx:1.25", "docker.io", "library/nginx", "1.25", null),
                Arguments.of("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", null),
                Arguments.of("localhost:5000/app:1", "localhost:5000", "app", "1", null),
                Arguments.of("localhost:5000/app", "localhost:5000", "app", "latest", null),
                Arguments.of("localhost/app", "localhost", "app", "latest", null),
                // Without a slash the colon starts a tag: this is the image localhost, tag 5000.
                Arguments.of("localhost:5000", "docker.io", "library/localhost", "5000", null),
                Arguments.of(
                        "quay.io/prometheus/node-exporter:v1.8.2",
                        "quay.io",
                        "prometheus/node-exporter",
                        "v1.8.2",
                        null),
                Arguments.of("nginx@" + DIGEST, "docker.io", "library/nginx", null, DIGEST),
                Arguments.of("nginx:1.25@" + DIGEST, "docker.io", "library/nginx", "1.25", DIGEST),
                Arguments.of("localhost:5000/app@" + DIGEST, "localhost:5000", "app", null, DIGEST),
                Arguments.of("docker-pullable://nginx@" + DIGEST, "docker.io", "library/nginx", null, DIGEST),
                Arguments.of(
                        "docker-pullable://" + ECR + "/payments/orders-api@" + DIGEST,
                        ECR,
                        "payments/orders-api",
                        null,
                        DIGEST),
                Arguments.of(ECR + "/payments/orders-api:1.8.2", ECR, "payments/orders-api", "1.8.2", null),
                Arguments.of("  nginx:1.25  ", "docker.io", "library/nginx", "1.25", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void parsesTheWayRegistriesResolveIt(
            String reference, String registry, String repository, String tag, String digest) {
        ImageRef ref = ImageRef.parse(reference);

        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(Optional.ofNullable(tag));
        assertThat(ref.digest()).isEqualTo(Optional.ofNullable(digest));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nginx", "nginx:latest", "docker.io/nginx", "index.docker.io/library/nginx:latest"})
    void spellingsOfTheOfficialNginxImageAreOneReference(String reference) {
        ImageRef ref = ImageRef.parse(reference);

        assertThat(ref).isEqualTo(ImageRef.parse("docker.io/library/nginx:latest"));
        assertThat(ref).hasToString("docker.io/library/nginx:latest");
        assertThat(ref.name()).isEqualTo("docker.io/library/nginx");
    }

    @Test
    void printsTagAndDigestWhenBothAreKept() {
        ImageRef ref = ImageRef.parse(ECR + "/payments/orders-api:1.8.2@" + DIGEST);

        assertThat(ref).hasToString(ECR + "/payments/orders-api:1.8.2@" + DIGEST);
        assertThat(ref.name()).isEqualTo(ECR + "/payments/orders-api");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   ", "docker-pullable://"})
    void rejectsAnEmptyReference(String reference) {
        assertThatThrownBy(() -> ImageRef.parse(reference))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image reference is empty");
    }

    @Test
    void rejectsADigestWithoutAnAlgorithm() {
        assertThatThrownBy(() -> ImageRef.parse("nginx@311f41ffc751"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:")
                .hasMessageContaining("'311f41ffc751'");
    }

    @Test
    void recognisesABareDigest() {
        assertThat(ImageRef.isDigest(DIGEST)).isTrue();
        assertThat(ImageRef.isDigest("sha256:311f41ff")).isFalse();
        assertThat(ImageRef.isDigest("nginx@" + DIGEST)).isFalse();
        assertThat(ImageRef.isDigest(null)).isFalse();
    }
}
