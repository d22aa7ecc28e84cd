package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.ProcessKey;
import io.sightline.storyboard.Storyboard.GraphNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemberGraphsTest {

    private final AtomicInteger draws = new AtomicInteger();

    @Test
    void anUnchangedProcessIsNotDrawnAgainAndAChangedOneIs() {
        ProcessNode shell = tainted(new ProcessNode(new ProcessKey("node-1", 42, 1_000), Instant.EPOCH));
        shell.executable = "/bin/sh";
        MemberGraphs first = new MemberGraphs();
        MemberGraphs.Drawn drawn = first.of(shell, 3, false, this::draw);

        MemberGraphs second = first.next();
        assertThat(second.of(shell, 7, false, this::draw)).isSameAs(drawn);

        shell.addRecord(5L);
        MemberGraphs third = second.next();
        assertThat(third.of(shell, 8, false, this::draw)).isNotSameAs(drawn);
        assertThat(draws).hasValue(2);
    }

    @Test
    void aProcessTheTrailOnlyEnteredIsDrawnAgainWhenTheTrailsRecordsChange() {
        ProcessNode server = new ProcessNode(new ProcessKey("node-1", 7, 1_000), Instant.EPOCH);
        MemberGraphs first = new MemberGraphs();
        MemberGraphs.Drawn drawn = first.of(server, 3, false, this::draw);

        assertThat(first.next().of(server, 3, false, this::draw)).isSameAs(drawn);
        assertThat(first.next().of(server, 4, false, this::draw)).isNotSameAs(drawn);
    }

    @Test
    void anExecParentOrParentJoiningTheTrailDrawsAgain() {
        ProcessNode child = tainted(new ProcessNode(new ProcessKey("node-1", 9, 1_000), Instant.EPOCH));
        MemberGraphs first = new MemberGraphs();
        MemberGraphs.Drawn drawn = first.of(child, 1, false, this::draw);

        assertThat(first.next().of(child, 1, true, this::draw)).isNotSameAs(drawn);
        child.arguments = new String("-c id");
        assertThat(first.next().of(child, 1, false, this::draw)).isNotSameAs(drawn);
        child.parent = new ProcessNode(new ProcessKey("node-1", 1, 0), Instant.EPOCH);
        assertThat(first.next().of(child, 1, false, this::draw)).isNotSameAs(drawn);
        assertThat(draws).hasValue(4);
    }

    private static ProcessNode tainted(ProcessNode node) {
        node.tainted = true;
        return node;
    }

    private MemberGraphs.Drawn draw() {
        int n = draws.incrementAndGet();
        GraphNode node = new GraphNode("p:" + n, "process", "sh", "node-1", "", List.of());
        GraphNode host = new GraphNode("h:node-1", "host", "node-1", "node-1", "", List.of());
        return new MemberGraphs.Drawn(node, host, Optional.empty(), List.of());
    }
}
