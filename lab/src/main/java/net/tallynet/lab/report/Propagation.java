package net.tallynet.lab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import net.tallynet.lab.record.LabRecord.BlockMined;
import net.tallynet.lab.record.LabRecord.BlockSeen;
import net.tallynet.lab.record.LabRecord.Snapshot;
import net.tallynet.lab.record.LabRecord.TransactionSeen;
import net.tallynet.lab.record.LabRecord.TransactionSent;

/**
 * Who had which block and transaction when: the figures every other part of the report is drawn from, computed
 * once here so the CSV files, plots, summary and event log agree.
 */
final class Propagation {

    /** One mined block; {@code id} is its index in mined order (SimBlock's block-id). */
    record Block(int id, BlockMined mined, boolean inBestChain, int transactions, Coverage coverage) {
        boolean stale() {
            return !inBestChain;
        }

        /** Transactions it confirmed, the coinbase left out. */
        int payments() {
            return Math.max(0, transactions - 1);
        }
    }

    /** The first time {@code node} connected a mined block. */
    record Arrival(Block block, int node, long seenAt, int fromNode) {
        long delay() {
            return seenAt - block.mined().at();
        }
    }

    /** One sent transaction and how far it got. */
    record Transaction(TransactionSent sent, Coverage coverage) {
    }

    /** The first time a node other than the sender had a transaction. */
    record TransactionArrival(Transaction transaction, int node, long seenAt) {
        long delay() {
            return seenAt - transaction.sent().at();
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final List<Arrival> arrivals = new ArrayList<>();
    private final List<Transaction> transactions = new ArrayList<>();
    private final List<TransactionArrival> transactionArrivals = new ArrayList<>();
    /** hash -> node -> when that node first had the block (the miner at its mined time). */
    private final Map<String, Map<Integer, Long>> had = new LinkedHashMap<>();

    private Propagation() {
    }

    static Propagation of(Snapshot run) {
        Propagation p = new Propagation();

        Map<String, Map<Integer, BlockSeen>> blocksSeen = firstPerNode(run.blocksSeen(), BlockSeen::hash,
                BlockSeen::node, BlockSeen::at);
        for (BlockMined mined : chronological(uniqueBy(run.mined(), BlockMined::hash), BlockMined::at)) {
            Map<Integer, BlockSeen> seen = blocksSeen.getOrDefault(mined.hash(), Map.of());
            Map<Integer, Long> times = new TreeMap<>();
            seen.values().forEach(s -> times.put(s.node(), s.at()));
            times.put(mined.miner(), mined.at()); // the miner had it when it found it
            // out of the nodes up when it was mined: a node killed for good, or added later, is not "all"
            Set<Integer> nodeIds = run.liveAt(mined.at());
            int nodeCount = nodeIds.size();
            times.keySet().retainAll(nodeIds);
            int txs = seen.values().stream().mapToInt(BlockSeen::transactions).max().orElse(0);
            Block block = new Block(p.blocks.size(), mined, run.bestChain().contains(mined.hash()), txs,
                    Coverage.of(mined.at(), times.values(), nodeCount));
            p.blocks.add(block);
            p.had.put(mined.hash(), times);
            seen.values().forEach(s -> p.arrivals.add(new Arrival(block, s.node(), s.at(), s.fromNode())));
        }

        Map<String, Map<Integer, TransactionSeen>> txSeen = firstPerNode(run.transactionsSeen(), TransactionSeen::id,
                TransactionSeen::node, TransactionSeen::at);
        for (TransactionSent sent : chronological(uniqueBy(run.sent(), TransactionSent::id), TransactionSent::at)) {
            Map<Integer, Long> times = new TreeMap<>();
            Map<Integer, TransactionSeen> seen = txSeen.getOrDefault(sent.id(), Map.of());
            seen.values().forEach(s -> times.put(s.node(), s.at()));
            times.put(sent.node(), sent.at()); // the sender had it when it sent it
            Set<Integer> nodeIds = run.liveAt(sent.at());
            int nodeCount = nodeIds.size();
            times.keySet().retainAll(nodeIds);
            Transaction tx = new Transaction(sent, Coverage.of(sent.at(), times.values(), nodeCount));
            p.transactions.add(tx);
            seen.values().stream().filter(s -> s.node() != sent.node())
                    .forEach(s -> p.transactionArrivals.add(new TransactionArrival(tx, s.node(), s.at())));
        }
        p.arrivals.sort(Comparator.comparingLong(Arrival::seenAt));
        p.transactionArrivals.sort(Comparator.comparingLong(TransactionArrival::seenAt));
        return p;
    }

    /** Mined blocks in mined order. */
    List<Block> blocks() {
        return blocks;
    }

    /** First arrivals of mined blocks, the miner's own included, in time order. */
    List<Arrival> arrivals() {
        return arrivals;
    }

    /** Arrivals at nodes other than the miner: what propagation delay is about. */
    List<Arrival> relayedArrivals() {
        return arrivals.stream().filter(a -> a.node() != a.block().mined().miner()).toList();
    }

    List<Transaction> transactions() {
        return transactions;
    }

    List<TransactionArrival> transactionArrivals() {
        return transactionArrivals;
    }

    /** When {@code node} first had block {@code hash}, if it ever did. */
    OptionalLong firstHad(String hash, int node) {
        Long at = had.getOrDefault(hash, Map.of()).get(node);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** Per item key, per node, the earliest sighting: nodes may log the same block again after a reorg. */
    private static <T> Map<String, Map<Integer, T>> firstPerNode(List<T> sightings, Function<T, String> key,
                                                                 ToIntFunction<T> node, ToLongFunction<T> at) {
        Map<String, Map<Integer, T>> first = new LinkedHashMap<>();
        for (T s : sightings) {
            first.computeIfAbsent(key.apply(s), k -> new TreeMap<>())
                    .merge(node.applyAsInt(s), s, (old, neu) -> at.applyAsLong(neu) < at.applyAsLong(old) ? neu : old);
        }
        return first;
    }

    /** The first entry per key: a duplicate would count a block or transaction twice. */
    private static <T> List<T> uniqueBy(List<T> items, Function<T, String> key) {
        Set<String> keys = new HashSet<>();
        return items.stream().filter(i -> keys.add(key.apply(i))).toList();
    }

    private static <T> List<T> chronological(List<T> items, ToLongFunction<T> at) {
        return items.stream().sorted(Comparator.comparingLong(at)).toList();
    }
}
