package net.tallynet.lab.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.report.Report;
import net.tallynet.lab.scenario.Assertion;
import net.tallynet.lab.scenario.Scenario;
import tools.jackson.databind.JsonNode;

/**
 * One run of a scenario: starts its nodes and links, lets blocks and payments flow while the timeline
 * acts, checks the assertions, stops everything and writes the report. Returns whether every
 * assertion held.
 */
public final class Lab {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    /** The longest wait, once the load has stopped, for the live nodes to agree on a tip. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** How long a tie may stand once the load has stopped before one more block breaks it. */
    private static final Duration TIE_WAIT = Duration.ofSeconds(5);

    private Lab() {
    }

    public record Result(boolean passed, List<LabRecord.Outcome> outcomes, Path report) {
    }

    public static Result run(Scenario scenario, NodeCommand command, Path runDir, PrintStream out) throws Exception {
        LabRecord record = new LabRecord(scenario.name());
        LabClock clock = new LabClock();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        NodeApi api = new NodeApi(token);
        List<Integer> ids = IntStream.rangeClosed(1, scenario.nodes()).boxed().toList();
        LabNetwork network = new LabNetwork(runDir, command, api, token, record, clock, scenario.nodeSettings(), out);
        // Ctrl-C: the nodes are stopped (and no new one starts) whatever the run was doing
        Thread onInterrupt = new Thread(network::close);
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        Miners miners = new Miners(scenario.mining(), network, record, clock);
        Payments payments = new Payments(scenario.payments(), network, record, clock);
        Thread sampler = null;
        try {
            out.printf("lab: %s: %d nodes, links %s, %s%n", scenario.name(), scenario.nodes(), scenario.defaultShape(),
                    runDir.resolve("nodes"));
            network.add(ids, scenario.links(), java.util.Set.copyOf(scenario.mining().miners()));
            out.printf("lab: links %s%n", network.describe());
            clock.start();
            out.printf("lab: t=0, running for %d s%n", scenario.duration().toSeconds());
            if (!scenario.mining().miners().isEmpty()) {
                miners.start();
            }
            if (scenario.payments().perSecond() > 0) {
                payments.start();
            }
            sampler = Thread.ofVirtual().name("traffic").start(() -> sample(network, record, clock, out));
            new Timeline(scenario, network, record, clock, out).run(scenario);
            long left = scenario.duration().toMillis() - clock.millis();
            if (left > 0) {
                Thread.sleep(left);
            }
            miners.stop();
            payments.stop();
            LabRecord.Snapshot sofar = record.snapshot();
            out.printf("lab: t=%d s, the timeline is over: %d blocks mined (%d failed), %d payments sent (%d refused); "
                            + "checking %d assertions%n", clock.millis() / 1000, sofar.mined().size(),
                    miners.failed() + miners.failedEvents(), sofar.sent().size(),
                    payments.refused() + payments.failedEvents(), scenario.assertions().size());
            // the last blocks may still be on their way: the record's best chain (which the stale-block
            // count, the fork rate and the report all read) is taken once the live nodes agree, or after
            // SETTLE if they do not
            long settling = clock.millis();
            boolean settled = settle(network, miners, out);
            record.bestChain(bestChain(network, record));
            out.printf("lab: %s in %.1f s; best chain recorded%n", settled ? "the live nodes agree on one tip"
                    : "the live nodes still differ after " + SETTLE.toSeconds() + " s", (clock.millis() - settling) / 1000.0);
            AssertionCheck check = new AssertionCheck(network, record);
            for (Assertion assertion : scenario.assertions()) {
                LabRecord.Outcome outcome = check.check(assertion);
                record.outcome(outcome);
                out.printf("lab: %s %s (%s)%n", outcome.passed() ? "PASSED" : "FAILED", outcome.assertion(), outcome.detail());
            }
            record.minedWhenMinersHadThem();
            network.sampleTraffic();
            record.ended(clock.millis());
        } finally {
            miners.stop();
            payments.stop();
            if (sampler != null) {
                sampler.interrupt();
            }
            network.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running (Ctrl-C): nothing to remove
            }
        }
        LabRecord.Snapshot run = record.snapshot();
        Report.write(run, runDir);
        List<LabRecord.Outcome> outcomes = run.outcomes();
        boolean passed = outcomes.stream().allMatch(LabRecord.Outcome::passed);
        return new Result(passed, outcomes, runDir.resolve("index.html"));
    }

    private static void sample(LabNetwork network, LabRecord record, LabClock clock, PrintStream out) {
        long nextProgress = PROGRESS_EVERY.toMillis();
        while (!Thread.currentThread().isInterrupted()) {
            network.sampleTraffic();
            if (clock.millis() >= nextProgress) {
                nextProgress += PROGRESS_EVERY.toMillis();
                out.println("lab: t=" + clock.millis() / 1000 + " s  " + progress(network, record));
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String progress(LabNetwork network, LabRecord record) {
        List<Long> heights = new ArrayList<>();
        for (LabNode node : network.live()) {
            network.chain(node).ifPresent(c -> heights.add(c.path("height").asLong()));
        }
        LabRecord.Snapshot run = record.snapshot();
        String range = heights.isEmpty() ? "none" : heights.stream().mapToLong(h -> h).min().getAsLong() + " to "
                + heights.stream().mapToLong(h -> h).max().getAsLong();
        return "heights " + range + " on " + heights.size() + " live nodes, " + run.mined().size() + " blocks mined, "
                + run.reorgs().size() + " reorganisations, " + run.sent().size() + " payments";
    }

    /**
     * Waits until every live node has the same tip, {@link #SETTLE} at most; true when they do. Two
     * branches of equal work are a tie that only the next block breaks (each node keeps the one it saw
     * first, as in Bitcoin): when the run ends on one that lasts {@link #TIE_WAIT}, a live miner finds one
     * more block, as the network's next block would have, so that the report measures one chain.
     */
    private static boolean settle(LabNetwork network, Miners miners, PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        long tieBreakAt = System.nanoTime() + TIE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Set<String> tips = new java.util.HashSet<>();
            java.util.Set<String> works = new java.util.HashSet<>();
            for (LabNode node : network.live()) {
                JsonNode chain = network.chain(node).orElse(null);
                tips.add(chain == null ? "?" : chain.path("bestHash").asString());
                works.add(chain == null ? "?" : chain.path("work").asString());
            }
            if (tips.size() <= 1 && !tips.contains("?")) {
                return true;
            }
            if (System.nanoTime() >= tieBreakAt && works.size() == 1 && !works.contains("?")) {
                int miner = miners.mineOne();
                out.printf("lab: the run ended on a tie (%d branches of equal work); %s%n", tips.size(), miner > 0
                        ? "one more block from node" + miner + " breaks it, as the next block would" : "no live miner to break it");
                tieBreakAt = System.nanoTime() + TIE_WAIT.toNanos();
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The first live node's best chain, from its tip down to the lowest block the lab mined. */
    private static List<String> bestChain(LabNetwork network, LabRecord record) {
        long lowest = record.snapshot().mined().stream().mapToLong(LabRecord.BlockMined::number).filter(n -> n >= 0).min()
                .orElse(Long.MAX_VALUE);
        List<String> hashes = new ArrayList<>();
        for (LabNode node : network.live()) {
            JsonNode chain = network.chain(node).orElse(null);
            if (chain == null) {
                continue;
            }
            long to = chain.path("height").asLong();
            while (to >= 0) {
                JsonNode page = network.api().json(node.apiPort(), "/api/blocks?limit=50&to=" + to).orElse(null);
                if (page == null || page.isEmpty()) {
                    break;
                }
                for (JsonNode block : page) {
                    hashes.add(block.path("hash").asString());
                    to = block.path("number").asLong() - 1;
                }
                if (to < lowest) {
                    break;
                }
            }
            return hashes;
        }
        return hashes;
    }
}
