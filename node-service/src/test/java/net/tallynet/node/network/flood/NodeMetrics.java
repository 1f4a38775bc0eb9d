package net.tallynet.node.network.flood;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.tallynet.node.NodeProcess;

/** One scrape of a node's {@code /actuator/prometheus}, read for the counters the flood figures report. */
public final class NodeMetrics {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

    private final String text;

    private NodeMetrics(String text) {
        this.text = text;
    }

    public static NodeMetrics scrape(int port) {
        return new NodeMetrics(NodeProcess.get(port, "/actuator/prometheus").body());
    }

    /** The series of {@code name} by the value of {@code label}, leaving out zeros; summed over other labels. */
    public Map<String, Long> byLabel(String name, String label) {
        Map<String, Long> values = new TreeMap<>();
        Pattern labelValue = Pattern.compile(label + "=\"([^\"]*)\"");
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches() && sample.group(1).equals(name)) {
                long value = (long) Double.parseDouble(sample.group(3));
                Matcher labels = labelValue.matcher(sample.group(2) == null ? "" : sample.group(2));
                if (value != 0) {
                    values.merge(labels.find() ? labels.group(1) : "", value, Long::sum);
                }
            }
        }
        return values;
    }

    /** Whether the scrape has a series of {@code name} at all (a sum of none is 0). */
    public boolean has(String name) {
        return Pattern.compile("^" + Pattern.quote(name) + "[{ ]", Pattern.MULTILINE).matcher(text).find();
    }

    /** The sum of the series of {@code name} whose labels include every one of {@code labels} ({@code key="value"}). */
    public double sum(String name, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches() && sample.group(1).equals(name)) {
                String present = sample.group(2) == null ? "" : sample.group(2);
                boolean all = true;
                for (String label : labels) {
                    all &= present.contains(label);
                }
                sum += all ? Double.parseDouble(sample.group(3)) : 0;
            }
        }
        return sum;
    }

    /**
     * {@code GET /api/chain} requests the node itself timed (from its filter to the answer) since
     * {@code earlier}, and how many of them took over 100 ms: beside the client's latency, this tells
     * time the node spent on a request from time the request waited for a CPU or a thread.
     */
    long[] chainRequestsSince(NodeMetrics earlier) {
        String uri = "uri=\"/api/chain\"";
        String under100ms = "le=\"0.1\"";
        long count = (long) (sum("http_server_requests_seconds_count", uri)
                - earlier.sum("http_server_requests_seconds_count", uri));
        long fast = (long) (sum("http_server_requests_seconds_bucket", uri, under100ms)
                - earlier.sum("http_server_requests_seconds_bucket", uri, under100ms));
        return new long[] {count, count - fast};
    }

    long total(String name) {
        return byLabel(name, "__none__").values().stream().mapToLong(Long::longValue).sum();
    }
}
