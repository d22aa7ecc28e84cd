package io.sightline.engine;

import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.asset.Service;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Log4Shell from an attacker on the same network: the JVM looks up the attacker's LDAP server and fetches a
 * class from it, then runs a reverse shell to the same host. The callbacks belong to the storyboard; the JVM's
 * connections to its own database, which the shell also reaches, do not.
 */
class CallbackStoriesTest {

    private static final String HOST = "web-1";

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef java = process(HOST, 1340, -600, "/usr/bin/java", "-jar catalina.jar", Optional.empty());
    private final ProcessRef bash =
            process(HOST, 1790, 2, "/bin/bash", "-c {echo,YmFzaA==}|{base64,-d}|{bash,-i}", Optional.empty());

    @Test
    void theServersCallbacksToTheHostTheShellReachesJoinButItsDatabaseDoesNot() {
        int accepted = feed(events.accept(java, 1, "192.168.2.5:8080", "192.168.2.6:51000"));
        int database = feed(events.connect(java, 1.2, "192.168.2.5:40100", "10.96.0.20:5432"));
        int ldap = feed(events.connect(java, 1.5, "192.168.2.5:41696", "192.168.2.6:1389"));
        int download = feed(events.connect(java, 1.7, "192.168.2.5:41878", "192.168.2.6:8888"));
        int shell = feed(events.exec(bash, java));
        int reverse = feed(events.connect(bash, 2.5, "192.168.2.5:42000", "192.168.2.6:443"));
        int query = feed(events.connect(bash, 3, "192.168.2.5:42010", "10.96.0.20:5432"));
        Inventory inventory = new Inventory();
        inventory.add(new Service("shop", "db", "ClusterIP", List.of("10.96.0.20"), List.of()));
        StoryboardEngine engine = new StoryboardEngine(inventory, ImageRisk.NONE, EngineConfig.DEFAULTS);

        fed.forEach(engine::accept);

        Storyboard attack = engine.storyboards().getFirst();
        assertThat(lines(attack))
                .contains(ldap, download, shell, reverse, query)
                .doesNotContain(database, accepted);
        assertThat(attack.trail())
                .extracting(Storyboard.TrailStep::text)
                .contains("java connects to 192.168.2.6:1389 (an address the trail uses)");
    }

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }
}
