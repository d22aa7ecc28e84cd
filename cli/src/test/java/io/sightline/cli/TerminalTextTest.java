package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void escapesWhatWouldRetitleClearOrRecolourTheTerminal() {
        String command = "printf \u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b31m";

        assertThat(TerminalText.escape(command))
                .isEqualTo("printf \\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31mred\\u009b31m");
    }

    @Test
    void escapesBidirectionalOverridesAndNul() {
        assertThat(TerminalText.escape("ls \u202etxt.exe\u0000")).isEqualTo("ls \\u202etxt.exe\\u0000");
    }

    @Test
    void keepsLineBreaksTabsAndLettersOfEveryScript() {
        String text = "trail:\n\tcurl → 10.0.0.1 (café, 中文)\r\n";

        assertThat(TerminalText.escape(text)).isSameAs(text);
        assertThat(TerminalText.escape("over\rprint")).isEqualTo("over\\u000dprint");
    }
}
