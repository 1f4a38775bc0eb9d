package net.tallynet.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each named shape gives the edges it promises, connected, without loops or doubles. */
class TopologyTest {

    @Test
    void lineAndRing() {
        assertThat(Topology.line(4)).containsExactly(new Topology.Edge(2, 1), new Topology.Edge(3, 2), new Topology.Edge(4, 3));
        assertThat(Topology.ring(4)).hasSize(4).contains(new Topology.Edge(1, 4));
        assertThat(Topology.line(1)).isEmpty();
    }

    @Test
    void randomGivesEveryNodeItsDegreeAndIsConnected() {
        List<Topology.Edge> edges = Topology.random(20, 3, 7);
        for (int node = 1; node <= 20; node++) {
            assertThat(degree(edges, node)).as("node %d", node).isGreaterThanOrEqualTo(3);
        }
        assertSimpleAndConnected(edges, 20);
        assertThat(Topology.random(20, 3, 7)).as("a seed gives the same network").isEqualTo(edges);
    }

    @Test
    void scaleFreeHasHubs() {
        List<Topology.Edge> edges = Topology.scaleFree(50, 2, 3);
        assertSimpleAndConnected(edges, 50);
        int max = 0;
        for (int node = 1; node <= 50; node++) {
            max = Math.max(max, degree(edges, node));
        }
        assertThat(max).as("a hub, far above the mean degree of about 4").isGreaterThanOrEqualTo(10);
    }

    private static int degree(List<Topology.Edge> edges, int node) {
        return (int) edges.stream().filter(e -> e.from() == node || e.to() == node).count();
    }

    private static void assertSimpleAndConnected(List<Topology.Edge> edges, int n) {
        Set<Set<Integer>> pairs = new HashSet<>();
        for (Topology.Edge edge : edges) {
            assertThat(edge.from()).isNotEqualTo(edge.to());
            assertThat(pairs.add(Set.of(edge.from(), edge.to()))).as("one edge per pair: %s", edge).isTrue();
        }
        Set<Integer> reached = new HashSet<>(List.of(1));
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(1));
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (Topology.Edge edge : edges) {
                int other = edge.from() == node ? edge.to() : edge.to() == node ? edge.from() : 0;
                if (other != 0 && reached.add(other)) {
                    queue.add(other);
                }
            }
        }
        assertThat(reached).hasSize(n);
    }
}
