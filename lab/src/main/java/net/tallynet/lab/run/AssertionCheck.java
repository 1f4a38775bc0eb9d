package net.tallynet.lab.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.scenario.Assertion;

/** Checks one {@link Assertion} against the running network and the run's record, retried until its {@code within}. */
final class AssertionCheck {
    private final LabNetwork network;
    private final LabRecord record;

    AssertionCheck(LabNetwork network, LabRecord record) {
        this.network = network;
        this.record = record;
    }

    LabRecord.Outcome check(Assertion assertion) throws InterruptedException {
        long deadline = System.nanoTime() + assertion.within().toNanos();
        while (true) {
            Optional<String> failure = failure(assertion);
            if (failure.isEmpty()) {
                return new LabRecord.Outcome(assertion.text(), true, seen(assertion));
            }
            if (System.nanoTime() >= deadline) {
                return new LabRecord.Outcome(assertion.text(), false, failure.get());
            }
            Thread.sleep(250);
        }
    }

    /** Why the assertion does not hold now, or empty when it does. */
    private Optional<String> failure(Assertion assertion) {
        return switch (assertion.kind()) {
            case SAME_TIP -> {
                Set<String> tips = new HashSet<>();
                List<String> each = new ArrayList<>();
                for (LabNode node : network.live()) {
                    String tip = network.chain(node)
                            .map(c -> c.path("height").asLong() + "/" + abbreviate(c.path("bestHash").asString())).orElse("?");
                    tips.add(tip);
                    each.add(node.name() + " " + tip);
                }
                yield tips.size() == 1 && !tips.contains("?") ? Optional.empty() : Optional.of("tips: " + String.join(", ", each));
            }
            case HEIGHT -> perNode(assertion, node -> network.chain(node)
                    .map(c -> (double) c.path("height").asLong()));
            case METRIC -> perNode(assertion, node -> network.api().text(node.apiPort(), "/actuator/prometheus")
                    .flatMap(text -> metric(text, assertion.name())));
            case LOG -> {
                Pattern pattern = Pattern.compile(assertion.name());
                List<String> missing = new ArrayList<>();
                for (LabNode node : subjects(assertion)) {
                    if (!logMatches(node, pattern)) {
                        missing.add(node.name());
                    }
                }
                yield missing.isEmpty() ? Optional.empty() : Optional.of("no matching line in the log of " + missing);
            }
            default -> {
                double seen = network(assertion.kind());
                yield assertion.comparison().holds(seen, assertion.value()) ? Optional.empty()
                        : Optional.of(label(assertion) + " was " + format(seen));
            }
        };
    }

    private interface Reading {
        Optional<Double> of(LabNode node);
    }

    private Optional<String> perNode(Assertion assertion, Reading reading) {
        List<String> wrong = new ArrayList<>();
        List<LabNode> subjects = subjects(assertion);
        if (subjects.isEmpty()) {
            return Optional.of("no live node to ask");
        }
        for (LabNode node : subjects) {
            Optional<Double> seen = reading.of(node);
            if (seen.isEmpty() || !assertion.comparison().holds(seen.get(), assertion.value())) {
                wrong.add(node.name() + " " + seen.map(AssertionCheck::format).orElse("(no answer)"));
            }
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(label(assertion) + ": " + String.join(", ", wrong));
    }

    /** {@code all}: the live nodes; {@code nodeN}: that node, live or not (a dead node fails). */
    private List<LabNode> subjects(Assertion assertion) {
        return assertion.who().equals("all") ? network.live() : List.of(network.node(Integer.parseInt(assertion.who().substring(4))));
    }

    private double network(Assertion.Kind kind) {
        LabRecord.Snapshot run = record.snapshot();
        Set<String> best = run.bestChain(); // recorded once the nodes settled, as the report reads it
        long stale = run.mined().stream().filter(b -> !best.contains(b.hash())).count();
        return switch (kind) {
            case REORG_DEPTH -> run.reorgs().stream().mapToInt(LabRecord.Reorg::depth).max().orElse(0);
            case REORGS -> run.reorgs().size();
            case STALE_BLOCKS -> stale;
            case BLOCKS_MINED -> run.mined().size();
            case FORK_RATE -> run.mined().isEmpty() ? 0 : (double) stale / run.mined().size();
            default -> throw new IllegalArgumentException(kind.name());
        };
    }


    private static String abbreviate(String hash) {
        return hash.length() <= 8 ? hash : hash.substring(0, 8);
    }

    private static boolean logMatches(LabNode node, Pattern pattern) {
        try {
            return Files.readAllLines(node.log(), StandardCharsets.UTF_8).stream().anyMatch(line -> pattern.matcher(line).find());
        } catch (IOException e) {
            return false;
        }
    }

    /** The sum of every sample of {@code name} (whatever its labels) in a Prometheus text page; empty when there is none. */
    static Optional<Double> metric(String page, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String value = line.substring(line.lastIndexOf(' ') + 1);
                try {
                    sum += Double.parseDouble(value);
                    found = true;
                } catch (NumberFormatException e) {
                    // NaN written differently, or a timestamp: not a sample we can add
                }
            }
        }
        return found ? Optional.of(sum) : Optional.empty();
    }

    private String seen(Assertion assertion) {
        return switch (assertion.kind()) {
            case SAME_TIP, HEIGHT, METRIC, LOG -> "held" + (assertion.who().equals("all") ? " on " + network.live().size()
                    + " live nodes" : "");
            default -> label(assertion) + " was " + format(network(assertion.kind()));
        };
    }

    private static String label(Assertion assertion) {
        return assertion.kind() == Assertion.Kind.METRIC ? assertion.name()
                : assertion.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.3f", value);
    }
}
