package net.tallynet.lab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.tallynet.lab.record.LabRecord.Snapshot;
import net.tallynet.lab.record.LabRecord.Traffic;

/**
 * Bytes per node from the traffic samples. A sample is cumulative for one direction of one link, so the bytes
 * on link from->to were sent by {@code from} and received by {@code to}.
 */
final class Bandwidth {

    /** A node's totals over the run. */
    record NodeTotal(int node, long sent, long received, double meanBytesPerSecond) {
        long total() {
            return sent + received;
        }
    }

    /** A node's sent plus received bytes per second, one value per second of the run. */
    record NodeRate(int node, double[] seconds, double[] bytesPerSecond) {
    }

    private record Link(int from, int to) {
    }

    private Bandwidth() {
    }

    /** Totals from the last sample of each link, for every node of the run and any node the samples name. */
    static List<NodeTotal> totals(Snapshot run) {
        Map<Integer, long[]> sentReceived = new TreeMap<>();
        run.nodes().forEach(n -> sentReceived.put(n.id(), new long[2]));
        samplesPerLink(run).forEach((link, samples) -> {
            long bytes = samples.getLast().bytes();
            sentReceived.computeIfAbsent(link.from(), k -> new long[2])[0] += bytes;
            sentReceived.computeIfAbsent(link.to(), k -> new long[2])[1] += bytes;
        });
        double seconds = run.durationMillis() / 1000.0;
        List<NodeTotal> totals = new ArrayList<>();
        sentReceived.forEach((node, sr) -> totals.add(
                new NodeTotal(node, sr[0], sr[1], seconds > 0 ? (sr[0] + sr[1]) / seconds : 0)));
        return totals;
    }

    /**
     * Per node, bytes per second over the run, for the {@code maxNodes} busiest nodes (a chart with more lines
     * cannot be read). The bytes between two samples of a link are spread evenly over the time between them, so
     * samples that drift across second boundaries do not show as alternating spikes and gaps.
     */
    static List<NodeRate> rates(Snapshot run, int maxNodes) {
        Map<Link, List<Traffic>> links = samplesPerLink(run);
        long end = Math.max(run.durationMillis(),
                links.values().stream().mapToLong(s -> s.getLast().at()).max().orElse(0));
        int buckets = (int) Math.max(1, (end + 999) / 1000);
        Map<Integer, double[]> perNode = new TreeMap<>();
        links.forEach((link, samples) -> {
            for (int i = 1; i < samples.size(); i++) {
                Traffic prev = samples.get(i - 1);
                Traffic cur = samples.get(i);
                long bytes = cur.bytes() - prev.bytes();
                if (bytes < 0 || cur.at() <= prev.at()) {
                    continue; // counters only grow (the relays count per link, across node restarts): a guard
                }
                spread(perNode.computeIfAbsent(link.from(), k -> new double[buckets]), prev.at(), cur.at(), bytes);
                spread(perNode.computeIfAbsent(link.to(), k -> new double[buckets]), prev.at(), cur.at(), bytes);
            }
        });
        double[] seconds = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            seconds[i] = i;
        }
        return perNode.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<Integer, double[]> e) -> -sum(e.getValue())))
                .limit(maxNodes)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new NodeRate(e.getKey(), seconds, e.getValue()))
                .toList();
    }

    /** Adds {@code bytes}, spent evenly over [from, to) ms, to the 1 s buckets that interval overlaps. */
    private static void spread(double[] buckets, long from, long to, long bytes) {
        double perMs = (double) bytes / (to - from);
        for (long t = Math.max(0, from); t < to; ) {
            int bucket = (int) (t / 1000);
            long bucketEnd = Math.min(to, (bucket + 1) * 1000L);
            if (bucket >= buckets.length) {
                break;
            }
            buckets[bucket] += perMs * (bucketEnd - t);
            t = bucketEnd;
        }
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static Map<Link, List<Traffic>> samplesPerLink(Snapshot run) {
        Map<Link, List<Traffic>> links = new TreeMap<>(
                Comparator.comparingInt(Link::from).thenComparingInt(Link::to));
        for (Traffic t : run.traffic()) {
            links.computeIfAbsent(new Link(t.from(), t.to()), k -> new ArrayList<>()).add(t);
        }
        links.values().forEach(s -> s.sort(Comparator.comparingLong(Traffic::at)));
        return links;
    }
}
