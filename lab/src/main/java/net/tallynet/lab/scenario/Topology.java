package net.tallynet.lab.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Who dials whom: the undirected edges of a named shape over nodes 1..n, each as (dialler, dialled). */
final class Topology {
    record Edge(int from, int to) {
        Edge {
            if (from == to) {
                throw new ScenarioException("topology: node " + from + " cannot link to itself");
            }
        }

        boolean joins(int a, int b) {
            return (from == a && to == b) || (from == b && to == a);
        }
    }

    private Topology() {
    }

    static List<Edge> line(int n) {
        List<Edge> edges = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            edges.add(new Edge(i + 1, i));
        }
        return edges;
    }

    static List<Edge> ring(int n) {
        List<Edge> edges = line(n);
        if (n > 2) {
            edges.add(new Edge(1, n));
        }
        return edges;
    }

    /**
     * Each node dials {@code degree} others chosen at random (fewer if there are not that many), after
     * a random spanning tree that makes sure the whole network is connected.
     */
    static List<Edge> random(int n, int degree, long seed) {
        Random random = new Random(seed);
        Set<Edge> edges = new LinkedHashSet<>();
        for (int i = 2; i <= n; i++) {
            edges.add(new Edge(i, 1 + random.nextInt(i - 1)));
        }
        for (int node = 1; node <= n; node++) {
            int tries = 0;
            while (degreeOf(edges, node) < Math.min(degree, n - 1) && tries++ < 100 * n) {
                int other = 1 + random.nextInt(n);
                if (other != node && !linked(edges, node, other)) {
                    edges.add(new Edge(node, other));
                }
            }
        }
        return new ArrayList<>(edges);
    }

    /** Barabási-Albert: each node after the first dials {@code links} earlier ones, chosen in proportion to their degree. */
    static List<Edge> scaleFree(int n, int links, long seed) {
        Random random = new Random(seed);
        List<Edge> edges = new ArrayList<>();
        List<Integer> ends = new ArrayList<>(); // every edge's two ends: picking from it picks by degree
        for (int node = 2; node <= n; node++) {
            Set<Integer> chosen = new LinkedHashSet<>();
            int wanted = Math.min(links, node - 1);
            while (chosen.size() < wanted) {
                chosen.add(ends.isEmpty() || random.nextInt(4) == 0 ? 1 + random.nextInt(node - 1)
                        : ends.get(random.nextInt(ends.size())));
            }
            for (int other : chosen) {
                edges.add(new Edge(node, other));
                ends.add(node);
                ends.add(other);
            }
        }
        return edges;
    }

    private static int degreeOf(Set<Edge> edges, int node) {
        return (int) edges.stream().filter(e -> e.from() == node || e.to() == node).count();
    }

    private static boolean linked(Set<Edge> edges, int a, int b) {
        return edges.stream().anyMatch(e -> e.joins(a, b));
    }
}
