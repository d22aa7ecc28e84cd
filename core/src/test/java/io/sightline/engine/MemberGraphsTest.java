package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.ProcessKey;
import io.sightline.storyboard.Storyboard.GraphEdge;
import io.sightline.storyboard.Storyboard.GraphNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemberGraphsTest {

    private final AtomicInteger draws = new AtomicInteger();

    @Test
    void anUnchangedProcessIsNotDrawnAgainAndAChangedOneIs() {
        ProcessNode shell = tainted(node(42));
        shell.executable = "/bin/sh";
        MemberGraphs.Drawn drawn = MemberGraphs.of(shell, 3, false, this::draw);

        assertThat(MemberGraphs.of(shell, 7, false, this::draw)).isSameAs(drawn);

        shell.addRecord(5L);
        assertThat(MemberGraphs.of(shell, 8, false, this::draw)).isNotSameAs(drawn);
        assertThat(draws).hasValue(2);
    }

    @Test
    void aProcessTheTrailOnlyEnteredIsDrawnAgainWhenTheTrailsRecordsChange() {
        ProcessNode server = node(7);
        MemberGraphs.Drawn drawn = MemberGraphs.of(server, 3, false, this::draw);

        assertThat(MemberGraphs.of(server, 3, false, this::draw)).isSameAs(drawn);
        assertThat(MemberGraphs.of(server, 4, false, this::draw)).isNotSameAs(drawn);
    }

    @Test
    void anExecAParentOrTheParentJoiningTheTrailDrawsAgain() {
        ProcessNode child = tainted(node(9));
        MemberGraphs.Drawn first = MemberGraphs.of(child, 1, false, this::draw);

        MemberGraphs.Drawn parentJoined = MemberGraphs.of(child, 1, true, this::draw);
        child.arguments = new String("-c id");
        MemberGraphs.Drawn execSeen = MemberGraphs.of(child, 1, true, this::draw);
        child.parent = node(1);
        MemberGraphs.Drawn parentFound = MemberGraphs.of(child, 1, true, this::draw);

        assertThat(List.of(first, parentJoined, execSeen, parentFound)).doesNotHaveDuplicates();
        assertThat(draws).hasValue(4);
    }

    @Test
    void theMembersKeysFollowTheTrailAsItGrowsAndAfterItWasEmptied() {
        MemberGraphs graphs = new MemberGraphs();
        List<ProcessNode> members = new ArrayList<>(List.of(node(1), node(2)));

        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 2, 1_000))).isTrue();
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 3, 1_000))).isFalse();
        members.add(node(3));
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 3, 1_000))).isTrue();
        members.clear();
        members.add(node(4));
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 1, 1_000))).isFalse();
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 4, 1_000))).isTrue();
    }

    @Test
    void aMemberThatLeftIsNoLongerOnTheTrailEvenAfterOthersJoined() {
        MemberGraphs graphs = new MemberGraphs();
        List<ProcessNode> members = new ArrayList<>(List.of(node(1), node(2), node(3)));
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 2, 1_000))).isTrue();

        members.remove(1);
        members.add(node(4));

        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 2, 1_000))).isFalse();
        assertThat(graphs.onTrail(members, new ProcessKey("node-1", 4, 1_000))).isTrue();
    }

    private static ProcessNode node(long pid) {
        return new ProcessNode(new ProcessKey("node-1", pid, 1_000), Instant.EPOCH);
    }

    private static ProcessNode tainted(ProcessNode node) {
        node.tainted = true;
        return node;
    }

    private MemberGraphs.Drawn draw() {
        int n = draws.incrementAndGet();
        GraphNode node = new GraphNode("p:" + n, "process", "sh", "node-1", "", List.of());
        GraphNode host = new GraphNode("h:node-1", "host", "node-1", "node-1", "", List.of());
        return new MemberGraphs.Drawn(
                node,
                host,
                Optional.empty(),
                new GraphEdge(node.id(), host.id(), "runs-in"),
                Optional.empty(),
                Optional.empty());
    }
}
