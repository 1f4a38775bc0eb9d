package net.tallynet.lab.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one lab run saw, as the report reads it. Times ({@code at}) are milliseconds since the run's
 * timeline started (t = 0 once every node was up and connected), on the lab's clock; the nodes run on
 * the same machine, so their clocks and the lab's are one. Written by the run's threads while it lasts,
 * read once it has ended: every list is synchronized and {@link #snapshot} copies.
 */
public final class LabRecord {
    /** A node process: {@code id} from 1, named {@code node<id>}. */
    public record Node(int id, String name, int p2pPort, int apiPort, boolean miner) {
    }

    /** A link: {@code from} dials {@code to} through the lab's relay; blocks and transactions flow both ways. */
    public record Edge(int from, int to) {
    }

    /** A block the lab had {@code miner} find (its Poisson clock), with the hash the node answered. */
    public record BlockMined(String hash, long number, int miner, long at) {
    }

    /**
     * {@code node} connected {@code hash} to its best chain at {@code at}, from peer {@code fromNode}
     * (0 when it was mined there or the peer is not known). {@code transactions} counts the coinbase.
     */
    public record BlockSeen(String hash, long number, int node, long at, int fromNode, int transactions) {
    }

    /** A payment the lab asked {@code node} to make. */
    public record TransactionSent(String id, int node, long at) {
    }

    /** {@code node} put transaction {@code id} in its mempool (or it was sent there) at {@code at}. */
    public record TransactionSeen(String id, int node, long at) {
    }

    /** {@code node} switched branches, disconnecting {@code depth} blocks. */
    public record Reorg(int node, long at, int depth) {
    }

    /**
     * {@code node} became able to take part ({@code up}: ready after a start, resumed) or stopped
     * being ({@code up} false: killed, stopped, paused) at {@code at}. A block's coverage counts the
     * nodes up when it was mined; a node with no such record counts as up throughout.
     */
    public record Liveness(int node, long at, boolean up) {
    }

    /** A timeline action as carried out ("partition 1,2 | 3,4", "kill node3"). */
    public record Action(long at, String text) {
    }

    /** Bytes sent so far on the link from {@code from} to {@code to} (one direction), sampled at {@code at}. */
    public record Traffic(long at, int from, int to, long bytes) {
    }

    /** An assertion of the scenario and how it ended; {@code detail} says what was seen. */
    public record Outcome(String assertion, boolean passed, String detail) {
    }

    /** The whole record, copied: what the report is written from. */
    public record Snapshot(String scenario, long durationMillis, List<Node> nodes, List<Edge> edges,
                           List<BlockMined> mined, List<BlockSeen> blocksSeen, List<TransactionSent> sent,
                           List<TransactionSeen> transactionsSeen, List<Reorg> reorgs, List<Action> actions,
                           List<Traffic> traffic, List<Outcome> outcomes, Set<String> bestChain,
                           List<Liveness> liveness) {

        /**
         * The nodes up at {@code at}: as each node's last liveness record at or before it says; before its
         * first record, up if that record takes it down (it was up until then), not if it brings it up (a
         * node not yet started or added); a node without records is up throughout.
         */
        public Set<Integer> liveAt(long at) {
            Set<Integer> live = new java.util.TreeSet<>();
            for (Node node : nodes) {
                Liveness first = null;
                Liveness last = null;
                for (Liveness change : liveness) {
                    if (change.node() == node.id()) {
                        first = first == null ? change : first;
                        last = change.at() <= at ? change : last;
                    }
                }
                boolean up = last != null ? last.up() : first == null || !first.up();
                if (up) {
                    live.add(node.id());
                }
            }
            return live;
        }
    }

    private final String scenario;
    private final List<Node> nodes = Collections.synchronizedList(new ArrayList<>());
    private final List<Edge> edges = Collections.synchronizedList(new ArrayList<>());
    private final List<BlockMined> mined = Collections.synchronizedList(new ArrayList<>());
    private final List<BlockSeen> blocksSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<TransactionSent> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<TransactionSeen> transactionsSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<Reorg> reorgs = Collections.synchronizedList(new ArrayList<>());
    private final List<Action> actions = Collections.synchronizedList(new ArrayList<>());
    private final List<Traffic> traffic = Collections.synchronizedList(new ArrayList<>());
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> bestChain = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Liveness> liveness = Collections.synchronizedList(new ArrayList<>());
    private volatile long durationMillis;

    public LabRecord(String scenario) {
        this.scenario = scenario;
    }

    public void node(Node node) {
        nodes.add(node);
    }

    public void edge(Edge edge) {
        edges.add(edge);
    }

    public void mined(BlockMined block) {
        mined.add(block);
    }

    public void seen(BlockSeen block) {
        blocksSeen.add(block);
    }

    public void sent(TransactionSent transaction) {
        sent.add(transaction);
    }

    public void seen(TransactionSeen transaction) {
        transactionsSeen.add(transaction);
    }

    public void reorg(Reorg reorg) {
        reorgs.add(reorg);
    }

    public void action(Action action) {
        actions.add(action);
    }

    public void liveness(Liveness change) {
        liveness.add(change);
    }

    public void traffic(Traffic sample) {
        traffic.add(sample);
    }

    public void outcome(Outcome outcome) {
        outcomes.add(outcome);
    }

    /** The hashes of the best chain when the run ended (as the nodes agreed, or the first node's). */
    public void bestChain(List<String> hashes) {
        bestChain.clear();
        bestChain.addAll(hashes);
    }

    /**
     * Dates each mined block by its miner's own event for it rather than by the lab's request: every
     * node's arrival comes by the same event path, so the delays compare like with like.
     */
    public void minedWhenMinersHadThem() {
        List<BlockSeen> seen = copy(blocksSeen);
        synchronized (mined) {
            mined.replaceAll(block -> seen.stream().filter(s -> s.hash().equals(block.hash()) && s.node() == block.miner())
                    .findFirst().map(s -> new BlockMined(block.hash(), block.number(), block.miner(), s.at())).orElse(block));
        }
    }

    public void ended(long durationMillis) {
        this.durationMillis = durationMillis;
    }

    public Snapshot snapshot() {
        return new Snapshot(scenario, durationMillis, copy(nodes), copy(edges), copy(mined), copy(blocksSeen), copy(sent),
                copy(transactionsSeen), copy(reorgs), copy(actions), copy(traffic), copy(outcomes),
                Collections.unmodifiableSet(copySet()),
                copy(liveness).stream().sorted(java.util.Comparator.comparingLong(Liveness::at)).toList());
    }

    private Set<String> copySet() {
        synchronized (bestChain) {
            return new LinkedHashSet<>(bestChain);
        }
    }

    private static <T> List<T> copy(List<T> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
