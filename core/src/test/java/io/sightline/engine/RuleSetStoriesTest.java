package io.sightline.engine;

import static io.sightline.engine.Events.container;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.asset.Inventory;
import io.sightline.engine.rules.BuiltInRules;
import io.sightline.engine.rules.Condition;
import io.sightline.engine.rules.Effect;
import io.sightline.engine.rules.ProcessMatch;
import io.sightline.engine.rules.Rule;
import io.sightline.engine.rules.RuleSet;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Attack stories told to an engine whose rule set a user changed. */
class RuleSetStoriesTest {

    private static final String NODE = "node-1";
    private static final Optional<ContainerContext> WEB = container("cccc", "shop", "web-1");
    private static final Technique CREDENTIAL_DUMPING =
            new Technique("T1003", "OS Credential Dumping", Tactic.CREDENTIAL_ACCESS);

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef nginx = process(NODE, 10, -100, "/usr/sbin/nginx", "", WEB);
    private final ProcessRef sh = process(NODE, 20, 1, "/bin/sh", "-c \"cat /etc/shadow\"", WEB);
    private final ProcessRef cat = process(NODE, 21, 1.1, "/bin/cat", "/etc/shadow", WEB);

    @Test
    void aUserTagRuleLabelsWhatAProcessOnATrailDoes() {
        Rule catShadow = new Rule(
                        "cat-shadow",
                        "cat dumps the password hashes",
                        CREDENTIAL_DUMPING,
                        Set.of(Effect.TAG),
                        new Condition.File(ProcessMatch.named("cat"), "/etc/shadow", Condition.Access.READ),
                        Optional.empty())
                .withStep("{process} dumps {path}");
        feed(events.exec(sh, nginx));
        feed(events.exec(cat, sh));
        int read = feed(events.read(cat, 1.2, "/etc/shadow"));

        Storyboard attack =
                run(BuiltInRules.rules().withRules(List.of(catShadow))).getFirst();

        assertThat(lines(attack)).contains(read);
        // The built-in credential-file rule matches too: both label the trail, its line is written.
        assertThat(techniqueIds(attack)).contains("T1003", "T1552.001");
        assertThat(attack.trail()).anyMatch(step -> step.text().equals("cat reads /etc/shadow"));
        assertThat(techniqueIds(run(BuiltInRules.rules()).getFirst())).doesNotContain("T1003");
    }

    @Test
    void aUserSeedRuleStartsATrailAtACustomBinary() {
        ProcessRef shim = process(NODE, 5, -200, "/usr/bin/containerd-shim-runc-v2", "", Optional.empty());
        ProcessRef dumper = process(NODE, 30, 5, "/opt/tools/memdump", "--pid 1 -o /tmp/m", WEB);
        ProcessRef gzip = process(NODE, 31, 6, "/usr/bin/gzip", "/tmp/m", WEB);
        Rule memdump = Rule.seed(
                        "memdump",
                        "our red team's memory dumper",
                        CREDENTIAL_DUMPING,
                        Condition.Exec.of(ProcessMatch.named("memdump")).withArguments("--pid\\s+\\d+"))
                .withEffects(Effect.SEED, Effect.TAG);
        int dump = feed(events.exec(dumper, shim));
        int child = feed(events.exec(gzip, dumper));

        List<Storyboard> storyboards = run(BuiltInRules.rules().withRules(List.of(memdump)));

        assertThat(storyboards).hasSize(1);
        assertThat(lines(storyboards.getFirst())).containsExactlyInAnyOrder(dump, child);
        assertThat(techniqueIds(storyboards.getFirst())).containsExactly("T1003");
        assertThat(run(BuiltInRules.rules())).isEmpty();
    }

    @Test
    void theEngineListsComeFromTheRuleSet() {
        ProcessRef fish = process(NODE, 40, 2, "/usr/bin/fish", "-c id", WEB);
        feed(events.exec(fish, nginx));

        assertThat(run(BuiltInRules.rules())).isEmpty();
        List<String> shells = new ArrayList<>(BuiltInRules.rules().list("shells"));
        shells.add("fish");
        Storyboard attack =
                run(BuiltInRules.rules().withLists(Map.of("shells", shells))).getFirst();
        assertThat(attack.trail().getFirst().text()).isEqualTo("nginx (serving requests) spawns fish -c id");
    }

    @Test
    void aRuleNamingAListThatDoesNotExistIsRefused() {
        Rule broken = Rule.tag("readers", "", CREDENTIAL_DUMPING, Condition.Exec.of(ProcessMatch.named("@readers")));

        assertThatThrownBy(() -> BuiltInRules.rules().withRules(List.of(broken)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rule readers: field 'match.names': no list named 'readers'");
    }

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private List<Storyboard> run(RuleSet rules) {
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS, rules);
        fed.forEach(engine::accept);
        return engine.storyboards();
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }

    private static List<String> techniqueIds(Storyboard storyboard) {
        return storyboard.techniques().stream().map(Storyboard.TechniqueTag::id).toList();
    }
}
