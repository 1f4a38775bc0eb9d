package net.tallynet.lab.report;

import java.util.Collection;
import java.util.List;

/**
 * How far one block or transaction got: how many nodes had it, and how long after it appeared 50%, 90% and
 * 100% of the nodes had it; a null time means that share of the nodes never had it.
 */
record Coverage(int reached, Long t50, Long t90, Long t100) {

    /**
     * @param start     when it appeared (mined, or sent)
     * @param times     when each node that had it first had it, the origin included
     * @param nodeCount how many nodes the run had: the 100% the shares are of
     */
    static Coverage of(long start, Collection<Long> times, int nodeCount) {
        // a peer can log a block a few ms before the lab logs it mined (the lab timestamps the miner's answer),
        // so a delay below zero is clock noise and counts as zero
        List<Long> delays = times.stream().map(at -> Math.max(0, at - start)).sorted().toList();
        return new Coverage(delays.size(), share(delays, 50, nodeCount), share(delays, 90, nodeCount),
                share(delays, 100, nodeCount));
    }

    /** The delay by which {@code percent}% of {@code nodeCount} nodes (rounded up) had it. */
    private static Long share(List<Long> sortedDelays, int percent, int nodeCount) {
        if (nodeCount == 0) {
            return null;
        }
        int needed = (percent * nodeCount + 99) / 100;
        return needed <= sortedDelays.size() ? sortedDelays.get(needed - 1) : null;
    }
}
