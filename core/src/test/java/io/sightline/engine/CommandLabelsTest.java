package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandLabelsTest {

    @Test
    void masksTheCredentialOfACommandSeenAgain() {
        CommandLabels labels = new CommandLabels();

        String first = labels.of("curl", "-u admin:SuperSecret1 http://10.0.0.9/");
        String again = labels.of("curl", "-u admin:SuperSecret1 http://10.0.0.9/");

        assertThat(first).isEqualTo("curl -u admin:<redacted> http://10.0.0.9/");
        assertThat(again).isSameAs(first);
    }

    @Test
    void cutsALongCommandToNinetyCharacters() {
        String arguments = "-c \"" + "x".repeat(100) + "\"";

        String label = new CommandLabels().of("sh", arguments);

        // "sh -c \"" is 7 characters, then 80 of the x's and the ellipsis: 87 + 3.
        assertThat(label).hasSize(90).isEqualTo("sh -c \"" + "x".repeat(80) + "...");
    }

    @Test
    void labelsAnExecutableWithoutArgumentsByItself() {
        assertThat(new CommandLabels().of("/tmp/.x/sh", "")).isEqualTo("/tmp/.x/sh");
    }

    @Test
    void masksAsBeforeOnceItHasStartedAgainEmpty() {
        CommandLabels labels = new CommandLabels();
        for (int i = 0; i < 600; i++) {
            labels.of("job", "--run " + i);
        }

        String label = labels.of("app", "--token s3cr3t-t0ken --verbose");

        assertThat(label).isEqualTo("app --token <redacted> --verbose");
        assertThat(labels.of("job", "--run 7")).isEqualTo("job --run 7");
    }
}
