package net.tallynet.lab.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One assertion of a scenario, in the spirit of Zombienet's test DSL (README "Lab" lists the forms):
 * <pre>
 *   all: height is at least 10 within 60s
 *   all: same tip within 30s
 *   node3: metric tallynet_peers_connected is at least 1
 *   node2: log line matches "Started NodeApplication" within 10s
 *   network: reorg depth is at most 3
 * </pre>
 * {@code who} is {@code all} (every live node), {@code nodeN} or {@code network} (the run's record).
 * An assertion is checked after the timeline, in order, retried until {@code within} has passed.
 */
public record Assertion(String text, String who, Kind kind, String name, Comparison comparison, double value,
                        Duration within) {

    public enum Kind { HEIGHT, SAME_TIP, METRIC, LOG, REORG_DEPTH, REORGS, STALE_BLOCKS, BLOCKS_MINED, FORK_RATE }

    public enum Comparison {
        AT_LEAST, AT_MOST, EQUAL;

        public boolean holds(double seen, double wanted) {
            return switch (this) {
                case AT_LEAST -> seen >= wanted;
                case AT_MOST -> seen <= wanted;
                case EQUAL -> seen == wanted;
            };
        }
    }

    private static final String WITHIN = "(?:\\s+within\\s+(\\S+))?";
    private static final String COMPARE = "is\\s+(at least|at most|equal to|)\\s*(-?\\d+(?:\\.\\d+)?)";
    private static final Pattern HEIGHT = Pattern.compile("height\\s+" + COMPARE + WITHIN);
    private static final Pattern SAME_TIP = Pattern.compile("same tip" + WITHIN);
    private static final Pattern METRIC = Pattern.compile("metric\\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\\s+" + COMPARE + WITHIN);
    private static final Pattern LOG = Pattern.compile("log line matches\\s+\"(.*)\"" + WITHIN);
    private static final Pattern NETWORK = Pattern.compile("(reorg depth|reorgs|stale blocks|blocks mined|fork rate)\\s+" + COMPARE
            + WITHIN);

    /** Parses one assertion with at most {@code nodes} nodes named; a form it does not know is an error. */
    public static Assertion parse(String text, int nodes) {
        String trimmed = text.trim();
        int colon = trimmed.indexOf(':');
        if (colon < 0) {
            throw new ScenarioException("assertion \"" + text + "\": starts with all:, nodeN: or network:");
        }
        String who = trimmed.substring(0, colon).trim();
        String rest = trimmed.substring(colon + 1).trim();
        if (who.equals("network")) {
            Matcher m = NETWORK.matcher(rest);
            if (!m.matches()) {
                throw unknown(text);
            }
            Kind kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT).replace(' ', '_'));
            return new Assertion(trimmed, who, kind, null, comparison(m.group(2)), Double.parseDouble(m.group(3)),
                    within(text, m.group(4)));
        }
        if (!who.equals("all") && !(who.matches("node\\d{1,3}") && Integer.parseInt(who.substring(4)) >= 1
                && Integer.parseInt(who.substring(4)) <= nodes)) {
            throw new ScenarioException("assertion \"" + text + "\": all, network or node1 to node" + nodes + ", not " + who);
        }
        Matcher m;
        if ((m = HEIGHT.matcher(rest)).matches()) {
            return new Assertion(trimmed, who, Kind.HEIGHT, null, comparison(m.group(1)), Double.parseDouble(m.group(2)),
                    within(text, m.group(3)));
        }
        if ((m = SAME_TIP.matcher(rest)).matches()) {
            if (!who.equals("all")) {
                throw new ScenarioException("assertion \"" + text + "\": same tip is said of all");
            }
            return new Assertion(trimmed, who, Kind.SAME_TIP, null, Comparison.EQUAL, 0, within(text, m.group(1)));
        }
        if ((m = METRIC.matcher(rest)).matches()) {
            return new Assertion(trimmed, who, Kind.METRIC, m.group(1), comparison(m.group(2)), Double.parseDouble(m.group(3)),
                    within(text, m.group(4)));
        }
        if ((m = LOG.matcher(rest)).matches()) {
            try {
                Pattern.compile(m.group(1));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ScenarioException("assertion \"" + text + "\": not a regular expression: " + e.getDescription());
            }
            return new Assertion(trimmed, who, Kind.LOG, m.group(1), Comparison.EQUAL, 0, within(text, m.group(2)));
        }
        throw unknown(text);
    }

    private static ScenarioException unknown(String text) {
        return new ScenarioException("assertion \"" + text + "\": not a known form (height is at least N, same tip, metric NAME "
                + "is at most X, log line matches \"RE\", network: reorg depth|reorgs|stale blocks|blocks mined|fork rate is ...;"
                + " each may end with 'within 30s')");
    }

    private static Comparison comparison(String words) {
        return switch (words) {
            case "at least" -> Comparison.AT_LEAST;
            case "at most" -> Comparison.AT_MOST;
            default -> Comparison.EQUAL;
        };
    }

    private static Duration within(String text, String value) {
        return value == null ? Duration.ZERO : Quantities.duration("assertion \"" + text + "\"", value);
    }
}
