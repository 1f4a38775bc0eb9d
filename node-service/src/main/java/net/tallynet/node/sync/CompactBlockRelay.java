package net.tallynet.node.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BlockTransactionsMessage;
import net.tallynet.protocol.message.CompactBlockMessage;
import net.tallynet.protocol.message.Extensions;
import net.tallynet.protocol.message.GetBlockTransactionsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Receiving compact blocks (PROTOCOL.md 12.1): a COMPACTBLOCK's header is checked by {@link BlockSync}
 * first; then the block is rebuilt from the mempool, and what is missing is asked of the sender with
 * GETBLOCKTXN, one block at a time per peer. A block that cannot be rebuilt is fetched whole, headers
 * first, as an announced one is. A peer that brought us a new block first is asked to push the next
 * ones ({@link CompactPeers}).
 */
@Component
public class CompactBlockRelay extends PeriodicTask implements Ledger.Listener {
    /** Rejection labels of the hostile cases (the reason tag of tallynet_frames_rejected_total). */
    static final String NOT_NEGOTIATED = PeerExtensions.NOT_NEGOTIATED;
    static final String SHORT_ID_COLLISION = "short_id_collision";
    static final String UNSOLICITED_TRANSACTIONS = "unsolicited_block_transactions";
    static final String WRONG_TRANSACTION_COUNT = "wrong_transaction_count";
    static final String NOT_SERVED = "block_transactions_not_served";
    /**
     * An honest peer's serving budget (PROTOCOL.md 8) may leave one GETBLOCKTXN unanswered, or two; the
     * third in a row without any answer between is charged.
     */
    static final int UNANSWERED_CHARGED = 3;
    /** Blocks remembered per peer as asked about, for late answers. */
    private static final int ASKED_REMEMBERED = 8;
    private static final Logger log = LoggerFactory.getLogger(CompactBlockRelay.class);

    private final BlockSync sync;
    private final CompactPeers peers;
    private final Mempool mempool;
    private final CompactBlockProperties properties;
    /** The block each peer owes us transactions for. Guarded by this. */
    private final Map<PeerSession, Pending> pending = new HashMap<>();
    /** The last blocks whose transactions each peer was asked for: a late answer is dropped, not charged. Guarded by this. */
    private final Map<PeerSession, Deque<String>> asked = new HashMap<>();
    /** GETBLOCKTXN each peer left unanswered in a row: charged at {@link #UNANSWERED_CHARGED}. Guarded by this. */
    private final Map<PeerSession, Integer> unanswered = new HashMap<>();
    private final Map<String, Counter> outcomes = new HashMap<>();
    private final Counter transactionsAsked;

    /** A block waiting for BLOCKTXN; {@code pushed}: it came unasked (a high-bandwidth push), not after an announcement. */
    private record Pending(BlockReconstruction reconstruction, long frameBytes, long askedAt, boolean pushed) {
    }

    public CompactBlockRelay(BlockSync sync, CompactPeers peers, Mempool mempool, CompactBlockProperties properties,
                             Ledger ledger, MeterRegistry meters) {
        super("compact-blocks");
        this.sync = sync;
        this.peers = peers;
        this.mempool = mempool;
        this.properties = properties;
        for (String outcome : List.of("rebuilt", "completed", "fetched_whole", "known", "late")) {
            outcomes.put(outcome, Counter.builder("tallynet.compact.blocks").tag("outcome", outcome)
                    .description("COMPACTBLOCKs received, by what became of them (PROTOCOL.md 12.1)").register(meters));
        }
        transactionsAsked = Counter.builder("tallynet.compact.transactions.requested")
                .description("Transactions asked for with GETBLOCKTXN: those a compact block had that the mempool lacked")
                .register(meters);
        ledger.addListener(this);
    }

    void onCompactBlock(PeerSession peer, CompactBlockMessage compact) {
        requireNegotiated(peer, "COMPACTBLOCK");
        BlockRef header = new BlockRef(compact.number(), compact.hash(), compact.previousHash(), compact.merkleRoot(),
                compact.time(), compact.target(), compact.nonce());
        BlockSync.CompactHeader allowed = sync.onCompactHeader(peer, header);
        if (allowed != BlockSync.CompactHeader.REBUILD_PUSHED && allowed != BlockSync.CompactHeader.REBUILD_ASKED) {
            outcomes.get("known").increment();
            return;
        }
        boolean pushed = allowed == BlockSync.CompactHeader.REBUILD_PUSHED;
        BlockReconstruction reconstruction;
        try {
            reconstruction = BlockReconstruction.of(compact, () -> mempool.entries().stream().map(Mempool.Entry::tx).iterator());
        } catch (BlockReconstruction.CollisionException e) {
            // the short ids are keyed by the block: an honest sender meets this about once in 10^14 blocks
            sync.fetchWhole(peer, compact.hash());
            outcomes.get("fetched_whole").increment();
            throw new PeerMisbehaviourException(SHORT_ID_COLLISION, e.getMessage());
        }
        if (reconstruction.missing().isEmpty()) {
            finish(peer, reconstruction, peer.frameLength(), pushed, "rebuilt");
            return;
        }
        List<Integer> missing = reconstruction.missing();
        Pending replaced;
        synchronized (this) {
            replaced = pending.put(peer, new Pending(reconstruction, peer.frameLength(), System.nanoTime(), pushed));
            Deque<String> hashes = asked.computeIfAbsent(peer, p -> new ArrayDeque<>());
            hashes.addFirst(compact.hash());
            if (hashes.size() > ASKED_REMEMBERED) {
                hashes.removeLast();
            }
        }
        if (replaced != null) {
            // the peer sent its next block before answering for the last: fetch that one whole
            fetchWhole(peer, replaced);
        }
        transactionsAsked.increment(missing.size());
        log.debug("peer {} {}: COMPACTBLOCK {} #{} lacks {} of {} transactions here; asking for them",
                peer.connection().id(), peer.remoteHost(), compact.hash(), compact.number(), missing.size(),
                compact.transactionCount());
        peer.send(new GetBlockTransactionsMessage(compact.hash(), List.copyOf(missing)));
    }

    void onBlockTransactions(PeerSession peer, BlockTransactionsMessage answer) {
        requireNegotiated(peer, "BLOCKTXN");
        Pending owed;
        synchronized (this) {
            owed = pending.get(peer);
            if (owed == null || !owed.reconstruction().compact().hash().equals(answer.hash())) {
                Deque<String> askedOfPeer = asked.get(peer);
                if (askedOfPeer != null && askedOfPeer.contains(answer.hash())) {
                    // asked, then the block came from another peer, or the wait timed out: late, not hostile
                    outcomes.get("late").increment();
                    unanswered.remove(peer);
                    return;
                }
                throw new PeerMisbehaviourException(UNSOLICITED_TRANSACTIONS,
                        "BLOCKTXN for " + answer.hash() + ", whose transactions we never asked this peer for");
            }
            pending.remove(peer);
            unanswered.remove(peer);
        }
        BlockReconstruction reconstruction = owed.reconstruction();
        int asked = reconstruction.missing().size();
        if (answer.transactions().size() != asked) {
            fetchWhole(peer, owed);
            throw new PeerMisbehaviourException(WRONG_TRANSACTION_COUNT, "BLOCKTXN for " + answer.hash() + " holds "
                    + answer.transactions().size() + " transactions; " + asked + " were asked for");
        }
        reconstruction.fill(answer.transactions());
        finish(peer, reconstruction, owed.frameBytes() + peer.frameLength(), owed.pushed(), "completed");
    }

    /** Connects the rebuilt block; one whose transactions do not match its merkle root is fetched whole. */
    private void finish(PeerSession peer, BlockReconstruction reconstruction, long frameBytes, boolean pushed, String outcome) {
        BlockSync.Rebuilt rebuilt = BlockSync.Rebuilt.NOT_FIRST;
        try {
            rebuilt = sync.onRebuilt(peer, reconstruction.block(), frameBytes, pushed);
        } finally {
            // counted when the block is refused too (its sender charged); one rebuilt with the wrong transactions (one
            // of ours shared a short id with one of the block's: not the peer's fault) is fetched whole
            outcomes.get(rebuilt == BlockSync.Rebuilt.WRONG_TRANSACTIONS ? "fetched_whole" : outcome).increment();
        }
        if (rebuilt == BlockSync.Rebuilt.FIRST) {
            peers.broughtBlock(peer); // it brought us the block first: asked to push the next ones
        }
    }

    private void fetchWhole(PeerSession peer, Pending owed) {
        sync.fetchWhole(peer, owed.reconstruction().compact().hash());
        outcomes.get("fetched_whole").increment();
    }

    void requireNegotiated(PeerSession peer, String method) {
        if (!peers.negotiated(peer)) {
            throw PeerExtensions.notNegotiated(method, Extensions.COMPACT_BLOCKS);
        }
    }

    /** Transactions still owed for a block that arrived meanwhile are owed no more. */
    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        synchronized (this) {
            if (!pending.isEmpty()) {
                Set<String> hashes = connected.stream().map(Block::hash).collect(Collectors.toSet());
                pending.values().removeIf(owed -> hashes.contains(owed.reconstruction().compact().hash()));
            }
        }
    }

    /**
     * GETBLOCKTXN unanswered within the timeout: the block is fetched whole and the peer charged. A
     * GETBLOCK compact unanswered: fetched whole, uncharged (the peer's serving budget may have said no).
     */
    @Override
    protected void tick() {
        long now = System.nanoTime();
        for (CompactPeers.Requested request : peers.expired(now)) {
            sync.fetchWhole(request.peer(), request.hash());
        }
        long timeout = properties.transactionsTimeout().toNanos();
        List<Map.Entry<PeerSession, Pending>> late = new ArrayList<>();
        synchronized (this) {
            pending.entrySet().removeIf(entry -> {
                boolean expired = now - entry.getValue().askedAt() > timeout;
                if (expired) {
                    late.add(entry);
                }
                return expired;
            });
        }
        for (Map.Entry<PeerSession, Pending> entry : late) {
            PeerSession peer = entry.getKey();
            String hash = entry.getValue().reconstruction().compact().hash();
            fetchWhole(peer, entry.getValue());
            int inRow;
            synchronized (this) {
                inRow = unanswered.merge(peer, 1, Integer::sum);
                if (inRow >= UNANSWERED_CHARGED) {
                    unanswered.remove(peer);
                }
            }
            if (inRow >= UNANSWERED_CHARGED) {
                peer.charge(NOT_SERVED, UNANSWERED_CHARGED + " GETBLOCKTXN in a row unanswered after "
                        + properties.transactionsTimeout() + ", the last for " + hash);
            }
        }
    }

    public synchronized void closed(PeerSession peer) {
        pending.remove(peer);
        asked.remove(peer);
        unanswered.remove(peer);
        peers.closed(peer);
    }

    @Override
    protected boolean enabled() {
        return properties.enabled();
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration period() {
        return Duration.ofMillis(250);
    }
}
