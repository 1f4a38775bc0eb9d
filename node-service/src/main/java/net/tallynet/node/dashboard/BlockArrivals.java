package net.tallynet.node.dashboard;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * When this node first connected each recent block and who brought it: the dashboard's propagation
 * view. {@code delayMillis} is the arrival less the block's own time stamp (the miner's clock), so
 * it is only as exact as the clocks agree; on one machine it is the block's trip through the network.
 */
public final class BlockArrivals {
    /** A peer's block: its address and node id; one mined or generated here: {@code from} is "this node". */
    public record Arrival(long number, String hash, int transactions, Instant seenAt, long delayMillis, String from,
                          String fromNodeId) {
    }

    private final int capacity;
    private final Deque<Arrival> recent = new ArrayDeque<>();

    BlockArrivals(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(Arrival arrival) {
        if (recent.size() == capacity) {
            recent.removeLast();
        }
        recent.addFirst(arrival);
    }

    /** Newest first. */
    public synchronized List<Arrival> recent() {
        return new ArrayList<>(recent);
    }
}
