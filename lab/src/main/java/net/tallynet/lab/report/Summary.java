package net.tallynet.lab.report;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import net.tallynet.lab.record.LabRecord.Outcome;
import net.tallynet.lab.record.LabRecord.Reorg;
import net.tallynet.lab.record.LabRecord.Snapshot;

/**
 * The run in a handful of figures: summary.json (keys in snake_case) and the index page's table. Times are ms;
 * a null time means no block or transaction qualified (e.g. none reached every node).
 */
record Summary(String scenario, long durationMs, int nodes, int links, int blocksMined, int staleBlocks,
               double forkRate, Long blockT100MedianMs, Long blockT100P90Ms, Long blockT90MedianMs,
               Long transactionT100MedianMs, Long transactionT100P90Ms, int maxReorgDepth, int reorgs,
               int assertionsPassed, int assertionsFailed, List<String> plots) {

    static Summary of(Snapshot run, Propagation p, List<Plots.Plot> plots) {
        List<Propagation.Block> blocks = p.blocks();
        int stale = (int) blocks.stream().filter(Propagation.Block::stale).count();
        List<Long> blockT100 = times(blocks, b -> b.coverage().t100());
        List<Long> txT100 = times(p.transactions(), t -> t.coverage().t100());
        int passed = (int) run.outcomes().stream().filter(Outcome::passed).count();
        return new Summary(run.scenario(), run.durationMillis(), run.nodes().size(), run.edges().size(),
                blocks.size(), stale, blocks.isEmpty() ? 0 : (double) stale / blocks.size(),
                Stats.median(blockT100), Stats.percentile(blockT100, 0.9),
                Stats.median(times(blocks, b -> b.coverage().t90())),
                Stats.median(txT100), Stats.percentile(txT100, 0.9),
                run.reorgs().stream().mapToInt(Reorg::depth).max().orElse(0), run.reorgs().size(),
                passed, run.outcomes().size() - passed,
                plots.stream().flatMap(plot -> plot.files().stream()).toList());
    }

    /** The non-null times: only items that reached that share of the nodes have one. */
    private static <T> List<Long> times(List<T> items, Function<T, Long> time) {
        return items.stream().map(time).filter(Objects::nonNull).toList();
    }
}
