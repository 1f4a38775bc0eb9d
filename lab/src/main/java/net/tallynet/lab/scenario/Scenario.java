package net.tallynet.lab.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A described network, read from a scenario file ({@link ScenarioReader}; README "Lab" documents the
 * format): its nodes and links, who mines and how often, a payment load, a timeline of actions and
 * the assertions the run must meet.
 *
 * @param nodeSettings further {@code --key=value} settings for every node (e.g. relay delays)
 */
public record Scenario(String name, int nodes, List<Link> links, LinkShape defaultShape, Mining mining,
                       Payments payments, Duration duration, List<Step> timeline, List<Assertion> assertions,
                       Map<String, String> nodeSettings) {

    /**
     * The node settings the lab itself gives every node (LabNetwork): a scenario's node-settings may
     * not repeat them, since a key given twice reaches Spring as "a,b" and the node would not start.
     */
    public static final Set<String> LAB_SETTINGS = Set.of("server.port", "server.address", "tallynet.api.port",
            "tallynet.api.address", "tallynet.api.token", "tallynet.data-dir", "tallynet.chain.preset",
            "tallynet.mining.enabled", "tallynet.advertised-host", "tallynet.advertised-port", "tallynet.peers.seeds-only",
            "tallynet.peers.max-retry-delay", "tallynet.peers.max-outbound", "tallynet.dashboard.events-per-second",
            "tallynet.api.rate-limit.requests-per-second", "tallynet.api.rate-limit.burst", "tallynet.peers.seeds");

    /** {@code from} dials {@code to} through a relay shaped by {@code shape} (both directions). */
    public record Link(int from, int to, LinkShape shape) {
    }

    /**
     * Blocks are found by the lab's clock, not by hashing: at exponential intervals of mean
     * {@code interval} over the whole network, one miner (chosen by its share of {@code miners}) is
     * asked to generate one block. None when {@code miners} is empty.
     */
    public record Mining(List<Integer> miners, Duration interval) {
    }

    /** Payments at exponential intervals, {@code perSecond} on average, each from one of {@code from}. */
    public record Payments(double perSecond, List<Integer> from) {
    }

    /** A timeline action at {@code at} after the run's start. */
    public sealed interface Step {
        Duration at();
    }

    /** Links between the groups are cut (nodes in no group keep their links). */
    public record Partition(Duration at, List<Set<Integer>> groups) implements Step {
    }

    /** Every cut link is restored. */
    public record Heal(Duration at) implements Step {
    }

    /** {@code signal} is {@code kill} (SIGKILL), {@code stop} (SIGTERM), {@code restart}, {@code pause} or {@code resume}. */
    public record NodeAction(Duration at, String signal, int node) implements Step {
    }

    /** {@code count} new nodes, each dialling {@code connectTo}, syncing from them. */
    public record AddNodes(Duration at, int count, List<Integer> connectTo) implements Step {
    }
}
