package io.sightline.formats.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.engine.Tactic;
import io.sightline.engine.rules.BuiltInRules;
import io.sightline.engine.rules.Condition;
import io.sightline.engine.rules.Effect;
import io.sightline.engine.rules.Rule;
import io.sightline.engine.rules.RuleSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleFileTest {

    private static final String CAT_SHADOW = """
            rules:
              - id: cat-shadow
                description: cat dumps the password hashes
                technique: {id: T1003, name: OS Credential Dumping, tactic: credential-access}
                on: file
                effect: tag
                match:
                  names: [cat]
                  path: '/etc/shadow'
                  access: read
                step: "{process} dumps {path}"
            """;

    @Test
    void theShippedFileIsTheSetTheEngineBuildsIn() {
        assertThat(RuleFile.builtIn()).isEqualTo(BuiltInRules.rules());
    }

    @Test
    void aUserRuleIsAppliedAfterTheBuiltInOnes() {
        RuleSet rules = RuleFile.apply(RuleFile.builtIn(), "mine.yaml", CAT_SHADOW);

        Rule added = rules.rules().getLast();
        assertThat(rules.rules()).hasSize(BuiltInRules.rules().rules().size() + 1);
        assertThat(added.id()).isEqualTo("cat-shadow");
        assertThat(added.technique().tactic()).isEqualTo(Tactic.CREDENTIAL_ACCESS);
        assertThat(added.effects()).containsExactly(Effect.TAG);
        assertThat(added.when()).isInstanceOf(Condition.File.class);
        assertThat(added.step()).contains("{process} dumps {path}");
    }

    @Test
    void aUserRuleWithABuiltInIdReplacesItInPlace() {
        RuleSet rules = RuleFile.apply(RuleFile.builtIn(), "mine.yaml", """
                rules:
                  - id: downloader
                    description: only wget counts here
                    technique: {id: T1105, name: Ingress Tool Transfer, tactic: TA0011}
                    on: exec
                    effect: [seed, tag]
                    match:
                      names: [wget]
                """);

        List<String> ids = rules.rules().stream().map(Rule::id).toList();
        assertThat(ids)
                .isEqualTo(BuiltInRules.rules().rules().stream().map(Rule::id).toList());
        Rule replaced = rules.rules().get(ids.indexOf("downloader"));
        assertThat(replaced.description()).isEqualTo("only wget counts here");
        assertThat(replaced.effects()).containsExactlyInAnyOrder(Effect.SEED, Effect.TAG);
    }

    @Test
    void aUserListReplacesTheBuiltInListOfThatName() {
        RuleSet rules = RuleFile.apply(RuleFile.builtIn(), "mine.yaml", "lists:\n  shells: [sh, bash, fish]\n");

        assertThat(rules.list("shells")).containsExactly("sh", "bash", "fish");
        assertThat(rules.list("downloaders")).isEqualTo(BuiltInRules.rules().list("downloaders"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown rule field     | path: '/etc/shadow' => pathh: '/etc/shadow'    | rule cat-shadow: field 'match.pathh': unknown for on: file
            a field of another kind   | access: read => ports: [22]                    | rule cat-shadow: field 'match.ports': unknown for on: file
            a bad regular expression  | path: '/etc/shadow' => path: '/etc/(shadow'    | rule cat-shadow: field 'match.path': not a regular expression
            an unknown tactic         | credential-access => credential-theft          | rule cat-shadow: field 'technique.tactic': unknown tactic 'credential-theft'
            a bad technique id        | id: T1003, => id: X1003,                       | rule cat-shadow: field 'technique.id': expected an ATT&CK technique id
            an unknown list           | names: [cat] => names: ['@readers']            | rule cat-shadow: field 'match.names': no list named 'readers'
            an unknown effect         | effect: tag => effect: alert                   | rule cat-shadow: field 'effect': expected tag or seed, got 'alert'
            an unknown event kind     | on: file => on: open                           | rule cat-shadow: field 'on': expected exec, file or connect, got 'open'
            a placeholder of another kind | dumps {path} => dumps {remote}             | rule cat-shadow: field 'step': {remote} is no placeholder of a rule on file
            a bad access mode         | access: read => access: append                 | rule cat-shadow: field 'match.access': expected read, write or any, got 'append'
            an unknown top-level field | rules: => rule:                               | mine.yaml: field 'rule': unknown
            """)
    void anInvalidFileIsRefusedNamingTheRuleAndField(String problem, String edit, String message) {
        String[] change = edit.split("=>", 2);
        String text = CAT_SHADOW.replace(change[0].strip(), change[1].strip());
        assertThat(text).as("the edit applies").isNotEqualTo(CAT_SHADOW);

        assertThatThrownBy(() -> RuleFile.apply(RuleFile.builtIn(), "mine.yaml", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mine.yaml: ")
                .hasMessageContaining(message);
    }

    @Test
    void twoRulesWithOneIdInAFileAreRefused() {
        String twice = CAT_SHADOW + CAT_SHADOW.substring(CAT_SHADOW.indexOf("  - id"));

        assertThatThrownBy(() -> RuleFile.apply(RuleFile.builtIn(), "mine.yaml", twice))
                .hasMessage("mine.yaml: rule cat-shadow: field 'id': given to two rules in this file");
    }

    @Test
    void aFileThatIsNoYamlIsRefusedWithItsLine() {
        assertThatThrownBy(() -> RuleFile.apply(RuleFile.builtIn(), "mine.yaml", "rules: [\n  - id: x\n"))
                .hasMessageStartingWith("mine.yaml: not a YAML document")
                .hasMessageContaining("line ");
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThatThrownBy(() -> RuleFile.apply(RuleFile.builtIn(), "mine.yaml", "# nothing\n"))
                .hasMessageContaining("mine.yaml: the file is empty");
    }

    @Test
    void everyBuiltInTechniqueNamesItsTactic() {
        assertThat(RuleFile.builtIn().rules())
                .allSatisfy(rule -> assertThat(Set.of(Tactic.values()))
                        .contains(rule.technique().tactic()));
    }
}
