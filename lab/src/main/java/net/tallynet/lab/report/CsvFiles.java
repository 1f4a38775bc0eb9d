package net.tallynet.lab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import net.tallynet.lab.record.LabRecord.Action;
import net.tallynet.lab.record.LabRecord.Outcome;
import net.tallynet.lab.record.LabRecord.Reorg;
import net.tallynet.lab.record.LabRecord.Snapshot;

/** The report's raw figures as CSV files, for anyone who wants to plot them differently. */
final class CsvFiles {
    /** Every CSV file written, in the order the index lists them. */
    static final List<String> NAMES = List.of("blocks.csv", "block_arrivals.csv", "transactions.csv", "reorgs.csv",
            "actions.csv", "assertions.csv", "bandwidth.csv");

    private CsvFiles() {
    }

    static void write(Snapshot run, Propagation propagation, List<Bandwidth.NodeTotal> bandwidth, Path folder)
            throws IOException {
        try (Csv csv = new Csv(folder.resolve("blocks.csv"), "hash", "number", "miner", "mined_at_ms",
                "in_best_chain", "nodes_reached", "t50_ms", "t90_ms", "t100_ms")) {
            for (Propagation.Block b : propagation.blocks()) {
                Coverage c = b.coverage();
                csv.row(b.mined().hash(), b.mined().number(), b.mined().miner(), b.mined().at(), b.inBestChain(),
                        c.reached(), c.t50(), c.t90(), c.t100());
            }
        }
        try (Csv csv = new Csv(folder.resolve("block_arrivals.csv"), "hash", "number", "node", "seen_at_ms",
                "delay_ms", "from_node")) {
            for (Propagation.Arrival a : propagation.arrivals()) {
                csv.row(a.block().mined().hash(), a.block().mined().number(), a.node(), a.seenAt(), a.delay(),
                        a.fromNode());
            }
        }
        try (Csv csv = new Csv(folder.resolve("transactions.csv"), "id", "sent_by", "sent_at_ms", "nodes_reached",
                "t50_ms", "t90_ms", "t100_ms")) {
            for (Propagation.Transaction t : propagation.transactions()) {
                Coverage c = t.coverage();
                csv.row(t.sent().id(), t.sent().node(), t.sent().at(), c.reached(), c.t50(), c.t90(), c.t100());
            }
        }
        try (Csv csv = new Csv(folder.resolve("reorgs.csv"), "node", "at_ms", "depth")) {
            for (Reorg r : run.reorgs()) {
                csv.row(r.node(), r.at(), r.depth());
            }
        }
        try (Csv csv = new Csv(folder.resolve("actions.csv"), "at_ms", "action")) {
            for (Action a : run.actions()) {
                csv.row(a.at(), a.text());
            }
        }
        try (Csv csv = new Csv(folder.resolve("assertions.csv"), "assertion", "passed", "detail")) {
            for (Outcome o : run.outcomes()) {
                csv.row(o.assertion(), o.passed(), o.detail());
            }
        }
        try (Csv csv = new Csv(folder.resolve("bandwidth.csv"), "node", "bytes_sent", "bytes_received",
                "mean_bytes_per_s")) {
            for (Bandwidth.NodeTotal n : bandwidth) {
                csv.row(n.node(), n.sent(), n.received(), n.meanBytesPerSecond());
            }
        }
    }
}
