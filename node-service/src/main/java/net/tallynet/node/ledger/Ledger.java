package net.tallynet.node.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mempool.SignatureBudget;
import net.tallynet.p2p.LatencyBuckets;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.ValidationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Where blocks and transactions enter the node, whoever brings them (miner, REST, peers): the
 * chain takes blocks, the mempool follows the chain, and every outcome is counted.
 */
public class Ledger {
    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    /** From a 1 ms empty block on a fast disk to a full block's signature checks on a busy one. */
    private static final Duration[] ACCEPT_BUCKETS = LatencyBuckets.millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500,
            1000, 2500, 5000, 10000);

    private final Chain chain;
    private final Mempool mempool;
    private final MeterRegistry meters;
    private final Counter connected;
    private final Counter disconnected;
    private final Counter reorgs;
    private final DistributionSummary reorgDepth;
    private final Timer acceptTime;
    private final Map<ValidationReason, Counter> failures = new EnumMap<>(ValidationReason.class);
    private final Map<Chain.Outcome, Counter> refusedBranches = new EnumMap<>(Chain.Outcome.class);

    public Ledger(Chain chain, Mempool mempool, MeterRegistry meters) {
        this.chain = chain;
        this.mempool = mempool;
        this.meters = meters;
        this.connected = Counter.builder("tallynet.blocks.connected").description("Blocks connected to the best chain").register(meters);
        this.disconnected = Counter.builder("tallynet.blocks.disconnected").description("Blocks taken off the best chain").register(meters);
        this.reorgs = Counter.builder("tallynet.reorgs").description("Switches to another branch").register(meters);
        this.reorgDepth = DistributionSummary.builder("tallynet.reorg.depth").description("Blocks disconnected per switch").register(meters);
        this.acceptTime = Timer.builder("tallynet.block.accept").description("Time to validate and store a block")
                .serviceLevelObjectives(ACCEPT_BUCKETS).register(meters);
        for (ValidationReason reason : ValidationReason.values()) {
            failures.put(reason, Counter.builder("tallynet.validation.failures").tag("reason", reason.label())
                    .description("Blocks and transactions refused, by rule").register(meters));
        }
        for (Chain.Outcome outcome : Chain.Outcome.values()) {
            if (outcome.refused()) {
                refusedBranches.put(outcome, Counter.builder("tallynet.blocks.not.stored").tag("reason", outcome.label())
                        .description("Valid-looking side-branch blocks not stored: forking too deep or carrying too little work")
                        .register(meters));
            }
        }
        Gauge.builder("tallynet.chain.height", chain, c -> c.tip().number()).description("Best block number").register(meters);
        Gauge.builder("tallynet.mempool.transactions", mempool, Mempool::size).description("Transactions in the mempool").register(meters);
        Gauge.builder("tallynet.mempool.bytes", mempool, Mempool::bytes).description("Canonical bytes in the mempool").register(meters);
        FunctionCounter.builder("tallynet.transaction.signature.checks", mempool, Mempool::signatureChecks)
                .description("Signature checks paid for by transactions offered to the mempool, one per input (blocks not counted)").register(meters);
    }

    /** Told about every change of the best chain and every new mempool transaction, with who brought it (null: this node). */
    public interface Listener {
        /**
         * A block from {@code source} with more work than the tip passed every rule but the spend rules and is
         * durable (journaled; the database's commit may follow); those rules run next and may still refuse it.
         * Called holding the chain: quick, and taking no lock a thread may hold while it waits for the ledger.
         */
        default void blockStored(Block block, Object source) {
        }

        default void blocksConnected(List<Block> connected, Object source) {
        }

        /** The best chain moved to another branch: {@code disconnected} newest first, then {@link #blocksConnected}. */
        default void reorganised(List<Block> disconnected, List<Block> connected) {
        }

        default void transactionAdded(Transaction tx, Object source) {
        }
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * While a sync reports its progress every few seconds, a line for each block connected says nothing more
     * and cost a sync from one peer about 7% of its frame thread (2,000 lines for 2,000 blocks): DEBUG then.
     */
    private volatile boolean quietConnects;
    /** Held from a block's acceptance by the chain until the mempool has followed it. */
    private final Object chainMoves = new Object();

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public Chain.Result acceptBlock(Block block) throws InvalidLedgerObjectException {
        return acceptBlock(block, null);
    }

    public Chain.Result acceptBlock(Block block, Object source) throws InvalidLedgerObjectException {
        Timer.Sample sample = Timer.start(meters);
        Chain.Result result;
        Exception refusal = null;
        synchronized (chainMoves) {
            String tipBefore = chain.tip().hash();
            try {
                // transactions taken from the pool as they are (a compact block rebuilt here) are not hashed nor
                // encoded again
                result = chain.accept(block, mempool.admitted(block.transactions()),
                        stored -> listeners.forEach(listener -> listener.blockStored(stored, source)));
            } catch (InvalidLedgerObjectException | RuntimeException e) {
                if (e instanceof InvalidLedgerObjectException invalid) {
                    failed(invalid);
                }
                refusal = e;
                // the tip moved all the same (review item 20: a switch the store left part way, or one finished before
                // this block was refused): the pool and the listeners follow what moved as they follow any move
                result = chain.tip().hash().equals(tipBefore) ? null : movedAnyway(tipBefore, e);
            } finally {
                sample.stop(acceptTime);
            }
            if (result != null) {
                result.connected().forEach(mempool::blockConnected);
                if (!result.disconnected().isEmpty()) {
                    mempool.blocksDisconnected(result.disconnected().reversed());
                }
            }
        }
        if (result != null) {
            if (result.outcome().refused()) {
                refusedBranches.get(result.outcome()).increment();
            }
            // a refused outcome may come after a switch finished first (resume): what that moved is followed too
            Block cameAndConnected = refusal == null && !result.outcome().refused() ? block : null;
            try {
                followed(result, cameAndConnected, source);
            } catch (RuntimeException e) {
                if (refusal == null) {
                    throw e;
                }
                refusal.addSuppressed(e); // a listener failing too (the database failing) does not hide why the block was refused
            }
        }
        if (refusal instanceof InvalidLedgerObjectException invalid) {
            throw invalid;
        }
        if (refusal != null) {
            throw (RuntimeException) refusal;
        }
        return result;
    }

    /** What moved though the block was refused; null (the pool checked against the tip instead) if the store cannot say. */
    private Chain.Result movedAnyway(String tipBefore, Exception refusal) {
        try {
            return chain.movedSince(tipBefore);
        } catch (RuntimeException e) {
            refusal.addSuppressed(e);
            mempool.revalidate();
            return null;
        }
    }

    /** Metrics, the log and the listeners, once the chain moved; {@code block}: the one that came, if it connected. */
    private void followed(Chain.Result result, Block block, Object source) {
        if (!result.disconnected().isEmpty()) {
            reorgs.increment();
            reorgDepth.record(result.disconnected().size());
            disconnected.increment(result.disconnected().size());
            listeners.forEach(listener -> listener.reorganised(result.disconnected(), result.connected()));
        }
        connected.increment(result.connected().size());
        if (!result.connected().isEmpty()) {
            if (block != null && source instanceof PeerSession peer) {
                peer.noteNovelBlock(); // a useful peer: inbound eviction protects it
            }
            Block tip = result.connected().getLast();
            log.atLevel(quietConnects ? Level.DEBUG : Level.INFO).log("block {} #{} connected ({} transactions)",
                    tip.hash(), tip.number(), tip.transactions().size());
            listeners.forEach(listener -> listener.blocksConnected(result.connected(), block != null ? source : null));
        }
    }

    /** Whether each connected block is logged at DEBUG rather than INFO (while a sync logs its progress). */
    public void quietConnects(boolean quiet) {
        quietConnects = quiet;
    }

    public Mempool.Added acceptTransaction(Transaction tx) throws InvalidLedgerObjectException, Mempool.FullException {
        return acceptTransaction(tx, null);
    }

    public Mempool.Added acceptTransaction(Transaction tx, Object source)
            throws InvalidLedgerObjectException, Mempool.FullException {
        return acceptTransaction(tx, source, SignatureBudget.UNLIMITED);
    }

    /** A transaction from {@code source} whose signature checks are paid from {@code budget}. */
    public Mempool.Added acceptTransaction(Transaction tx, Object source, SignatureBudget budget)
            throws InvalidLedgerObjectException, Mempool.FullException {
        Mempool.Added added;
        try {
            added = mempool.add(tx, budget);
        } catch (InvalidLedgerObjectException e) {
            failed(e);
            throw e;
        }
        if (added == Mempool.Added.ADDED) {
            if (source instanceof PeerSession peer) {
                peer.noteNovelTransaction(); // a useful peer: inbound eviction protects it
            }
            listeners.forEach(listener -> listener.transactionAdded(tx, source));
        }
        return added;
    }

    /**
     * Removes the pooled transactions that no longer fit the chain ({@link Mempool#revalidate}); returns how
     * many. Never between a chain move and the mempool's update for it, which would find a block's own
     * transactions spent and throw out their descendants with them.
     */
    public int revalidateMempool() {
        synchronized (chainMoves) {
            return mempool.revalidate();
        }
    }

    public Chain chain() {
        return chain;
    }

    public Mempool mempool() {
        return mempool;
    }

    private void failed(InvalidLedgerObjectException e) {
        failures.get(e.reason()).increment();
    }

}
