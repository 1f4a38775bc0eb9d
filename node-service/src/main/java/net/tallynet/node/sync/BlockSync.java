package net.tallynet.node.sync;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredBlock;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.RollingBloomFilter;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.ValidationReason;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sync from genesis and block relay (PROTOCOL.md 7.3, 7.4). Lists from every peer feed one
 * {@link BlockDownload}, which spreads GETBLOCK requests over the peers that listed each block and
 * moves them when a peer skips or stalls. Per peer we remember the blocks it is known to have, so
 * nothing is announced twice to it or back to where it came from.
 *
 * <p>One lock guards all of it. It is fair: a peer's blocks must not wait behind another peer's for
 * so long that the first looks stalled. Lock order is session, then this; nothing here locks a
 * session, and peers are disconnected only after the lock is released. Sending under the lock is
 * safe: {@code peer.send} only queues the frame for the peer's own writer, so a peer that stops
 * reading never holds the lock (security review item 9).
 */
@Component
public class BlockSync implements Ledger.Listener {
    /** The rejection label for a GETLISTOFBLOCKS whose locator shares not even genesis with our chain. */
    static final String NO_COMMON_BLOCK = "no_common_block";
    /** The rejection label for a LISTOFBLOCKS whose entries do not form one chain from a block we know or queued. */
    static final String UNLINKED_LIST = "unlinked_list";
    /**
     * The rejection label for a LISTOFBLOCKS beyond the number of GETLISTOFBLOCKS we sent the peer: parsing
     * one costs up to a full frame, so a peer may not send them at its message rate for free.
     */
    static final String UNSOLICITED_LIST = "unsolicited_list";
    private static final Logger log = LoggerFactory.getLogger(BlockSync.class);
    /**
     * Most hashes remembered per peer as known to it (at least the newest half); older ones may be
     * announced again, harmlessly. In a rolling Bloom filter of about 36 KB per peer.
     */
    static final int KNOWN_PER_PEER = 10_000;
    /** Ask a peer for the next list once fewer than this many blocks are still queued. */
    static final int REFILL_BELOW = 1_000;
    /**
     * GETBLOCK requests sent to one peer per second, at most: a receiver drops a peer that sends over
     * 200 messages a second (PROTOCOL.md 6), and a fast sync must not look like a flood.
     */
    static final int REQUESTS_PER_SECOND = 150;
    /** An unanswered GETLISTOFBLOCKS blocks the next one to the same peer for this long. */
    static final long LIST_PENDING_NANOS = 30_000_000_000L;
    private static final int RECENT_STEPS = 10;

    private final ChainStore store;
    private final Chain chain;
    private final Ledger ledger;
    private final PeerRegistry peers;
    private final RelayMetrics metrics;
    private final ServingLimits serving;
    private final BlockDownload<PeerSession> download;
    private final Map<PeerSession, PeerState> states = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock(true);
    private final int maxStalls;

    private static final class PeerState {
        final RollingBloomFilter known = new RollingBloomFilter(KNOWN_PER_PEER, 1e-6);
        /** The newest block number the peer has shown us (HELLO, lists, announcements). */
        long bestNumber = -1;
        /** The last entry of its last full list that we queued: the next list continues after it. */
        BlockRef continueAfter;
        long listRequestedAt;
        boolean listPending;
        /** GETLISTOFBLOCKS sent to the peer and not yet answered, late answers included (we may ask again after 30 s). */
        int listsOutstanding;
        final Bucket requests = Bucket.builder().addLimit(Bandwidth.builder().capacity(REQUESTS_PER_SECOND)
                .refillGreedy(REQUESTS_PER_SECOND, Duration.ofSeconds(1)).build()).build();
    }

    /** The newest block connected while blocks were still queued: announced once the queue is empty. */
    private Block unannouncedTip;
    private Object unannouncedSource;

    public BlockSync(ChainStore store, Chain chain, Ledger ledger, PeerRegistry peers, RelayMetrics metrics,
                     SyncProperties properties, ServingLimits serving) {
        this.serving = serving;
        this.store = store;
        this.chain = chain;
        this.ledger = ledger;
        this.peers = peers;
        this.metrics = metrics;
        this.download = new BlockDownload<>(properties);
        this.maxStalls = properties.maxStalls();
        ledger.addListener(this);
    }

    /** A node peer is established: if it is ahead (or on another branch), ask which blocks we lack. */
    public void established(PeerSession peer) {
        locked(() -> {
            PeerState state = state(peer);
            HelloMessage hello = peer.remoteHello();
            state.known.add(hello.bestHash());
            state.bestNumber = hello.blockCount() - 1;
            StoredBlock tip = chain.tip();
            if (hello.blockCount() > tip.number() + 1
                    || (hello.blockCount() == tip.number() + 1 && !hello.bestHash().equals(tip.hash()))) {
                requestList(peer, state, null);
            }
        });
    }

    public void closed(PeerSession peer) {
        locked(() -> {
            states.remove(peer);
            serving.closed(peer);
            download.peerGone(peer);
            pump();
        });
    }

    /**
     * GETLISTOFBLOCKS: the blocks after the newest locator hash on our best chain, at most 2000, read
     * without loading a block body; within the serving budget (unanswered beyond it).
     */
    public void onGetList(PeerSession peer, GetListOfBlocksMessage request) {
        if (!serving.mayList(peer)) {
            return;
        }
        locked(() -> {
            Long fork = null;
            for (String hash : request.locator()) {
                fork = store.mainChainNumberOf(hash).orElse(null);
                if (fork != null) {
                    break;
                }
            }
            if (fork == null) {
                throw new PeerMisbehaviourException(NO_COMMON_BLOCK, "no locator hash is on this chain, not even genesis");
            }
            StoredBlock tip = chain.tip();
            long last = Math.min(tip.number(), fork + Limits.MAX_LIST_OF_BLOCKS);
            List<BlockRef> refs = store.mainChainRefs(fork + 1, last);
            peer.send(new ListOfBlocksMessage(refs));
            if (request.number() > tip.number()) {
                requestList(peer, state(peer), null); // it thinks it is ahead of us: ask it back (PROTOCOL.md 7.3 step 2)
            }
        });
    }

    /**
     * LISTOFBLOCKS: queue what we lack and start fetching. Only the answer to our GETLISTOFBLOCKS is
     * taken (an unasked list is ignored), and only a list that is one chain, starting at a block we
     * have or have queued: made-up hashes cannot fill the queue without linking to our chain.
     */
    public void onList(PeerSession peer, ListOfBlocksMessage list) {
        locked(() -> {
            PeerState state = state(peer);
            if (state.listsOutstanding == 0) {
                throw new PeerMisbehaviourException(UNSOLICITED_LIST, "LISTOFBLOCKS without a GETLISTOFBLOCKS of ours");
            }
            state.listsOutstanding--;
            if (!state.listPending) {
                // the late answer to a request we have since asked again, and had answered
                metrics.listIgnored();
                log.debug("peer {} {}: late LISTOFBLOCKS (asked again since), ignored", peer.connection().id(), peer.remoteHost());
                return;
            }
            state.listPending = false;
            checkLinked(list.blocks());
            BlockRef lastQueued = null;
            boolean refusedBranch = false;
            for (BlockRef ref : list.blocks()) {
                state.known.add(ref.hash());
                state.bestNumber = Math.max(state.bestNumber, ref.number());
                if (chain.wasNotStored(ref.hash())) {
                    refusedBranch = true; // a side branch we refused to store: nothing of it, or after it, again
                    break;
                }
                if (store.header(ref.hash()).isPresent()) {
                    lastQueued = ref;
                } else if (download.want(ref.hash(), peer)) {
                    lastQueued = ref;
                } else {
                    break; // queue full: continue after the last one queued, later
                }
            }
            boolean full = !refusedBranch && (list.blocks().size() == Limits.MAX_LIST_OF_BLOCKS
                    || (lastQueued != null && lastQueued != list.blocks().getLast()));
            state.continueAfter = full ? lastQueued : null;
            pump();
            refill();
        });
    }

    /**
     * BLOCK: accept it, and any blocks that were waiting for it; an unknown parent we are not fetching
     * means we miss blocks. {@code frameBytes} is the size of the frame it came in, for the held-block budget.
     */
    public void onBlock(PeerSession peer, Block block, long frameBytes) {
        locked(() -> {
            PeerState state = state(peer);
            state.known.add(block.hash());
            state.bestNumber = Math.max(state.bestNumber, block.number());
            BlockDownload.Delivery delivery = download.delivered(block.hash(), peer, System.nanoTime());
            if (delivery.nanos() >= 0) {
                metrics.fetched(delivery.nanos());
            }
            metrics.moved(delivery.skipped(), 0);
            try {
                connect(peer, block, delivery.nanos() >= 0, frameBytes);
            } finally {
                pump();
            }
            refill();
        });
    }

    /** BROADCASTBLOCK: the peer has this block; fetch it if we do not. */
    public void onAnnounce(PeerSession peer, BroadcastBlockMessage announcement) {
        locked(() -> {
            PeerState state = state(peer);
            state.known.add(announcement.hash());
            state.bestNumber = Math.max(state.bestNumber, announcement.number());
            if (store.header(announcement.hash()).isEmpty() && download.want(announcement.hash(), peer)) {
                pump();
            }
        });
    }

    /**
     * Relay: announce the new tip to every node peer that is not known to have it (its source knows
     * it). While blocks are still queued (a sync) only the last tip is announced, once the queue has
     * emptied: one announcement per block at sync speed would flood the peers' rate limits, and a
     * peer that is behind learns the chain from lists anyway.
     */
    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        Block tip = connected.getLast();
        locked(() -> {
            if (source instanceof PeerSession from && download.hasQueuedFrom(from, tip.hash())) {
                unannouncedTip = tip;
                unannouncedSource = source;
                return;
            }
            unannouncedTip = null;
            announce(tip, source);
        });
    }

    private void announceDeferredTip() {
        if (unannouncedTip != null && !(unannouncedSource instanceof PeerSession from
                && download.hasQueuedFrom(from, unannouncedTip.hash()))) {
            Block tip = unannouncedTip;
            unannouncedTip = null;
            if (tip.hash().equals(chain.tip().hash())) {
                announce(tip, unannouncedSource);
            }
        }
    }

    private void announce(Block tip, Object source) {
        for (PeerSession peer : peers.established()) {
            if (peer == source || !HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
                continue;
            }
            boolean fresh = state(peer).known.add(tip.hash());
            if (fresh) {
                peer.send(new BroadcastBlockMessage(tip.number(), tip.hash()));
            }
            metrics.blockAnnounced(fresh);
        }
    }

    /**
     * Called every second: requests of stalled peers go elsewhere; peers that stalled too often in a
     * row are disconnected (after the lock is released: closing may call back into a session).
     */
    void expireStalled() {
        List<PeerSession> stalledOut = locked(() -> {
            BlockDownload.Expiry<PeerSession> expiry = download.expire(System.nanoTime());
            metrics.moved(0, expiry.moved());
            pump();
            refill();
            return expiry.stalledOut();
        });
        for (PeerSession peer : stalledOut) {
            log.info("peer {} {}: left block requests unanswered {} times in a row, disconnecting",
                    peer.connection().id(), peer.remoteHost(), maxStalls);
            peer.disconnect(CloseReason.STALLED);
        }
    }

    /** The best block number each node peer has shown so far (HELLO, lists, blocks, announcements), for operators. */
    public Map<PeerSession, Long> knownHeights() {
        return locked(() -> {
            Map<PeerSession, Long> heights = new HashMap<>();
            states.forEach((peer, state) -> heights.put(peer, state.bestNumber));
            return heights;
        });
    }

    /** For the progress line, the gauges and the dashboard. */
    public record Progress(long height, long target, int queued, int inFlight, int orphans, int peers) {
    }

    Progress progress() {
        return locked(() -> {
            long target = chain.tip().number();
            for (PeerState state : states.values()) {
                target = Math.max(target, state.bestNumber);
            }
            return new Progress(chain.tip().number(), target, download.queued(), download.inFlight(),
                    download.orphans(), states.size());
        });
    }

    /**
     * Hands a block to the ledger, then the blocks that were waiting for it. A block whose parent
     * is unknown waits if we asked this peer for it and the parent is on its way, else the sender is
     * asked what we lack. An invalid block takes the blocks waiting below it along, and each of their
     * senders is charged. A block too far in the future is dropped uncharged: an honest peer's clock
     * may be ahead of ours, and the block may become valid.
     */
    private void connect(PeerSession peer, Block block, boolean asked, long frameBytes) {
        Chain.Result result;
        try {
            result = ledger.acceptBlock(block, peer);
        } catch (InvalidLedgerObjectException e) {
            download.done(block.hash());
            chargeLater(download.dropDescendants(block.hash()), ValidationReason.INVALID_PARENT);
            if (e.reason() == ValidationReason.TIME_TOO_FAR_IN_FUTURE) {
                log.info("peer {} {}: block {} #{} is too far in the future, dropped", peer.connection().id(),
                        peer.remoteHost(), block.hash(), block.number());
                return;
            }
            throw new PeerMisbehaviourException(e.reason().label(), e.getMessage());
        } catch (RuntimeException e) {
            download.done(block.hash()); // our failure (storage): a later list brings the block back
            throw e;
        }
        if (result.outcome().refused()) {
            // not invalid, only not worth storing (a deep or low-work side branch): nothing waits on it, nobody is charged
            download.done(block.hash());
            download.dropDescendants(block.hash());
            return;
        }
        if (result.outcome() == Chain.Outcome.ORPHAN) {
            if (!asked || !download.isWanted(block.previousHash()) || !download.holdOrphan(block, peer, frameBytes)) {
                download.done(block.hash());
                requestList(peer, state(peer), null);
            }
            return;
        }
        download.done(block.hash());
        Deque<BlockDownload.Held<PeerSession>> ready = new ArrayDeque<>(download.takeChildren(block.hash()));
        while (!ready.isEmpty()) {
            BlockDownload.Held<PeerSession> held = ready.poll();
            try {
                if (ledger.acceptBlock(held.block(), held.deliveredBy()).outcome().refused()) {
                    download.dropDescendants(held.block().hash());
                } else {
                    ready.addAll(download.takeChildren(held.block().hash()));
                }
            } catch (InvalidLedgerObjectException e) {
                log.info("held block {} #{} is invalid ({}); dropped with its descendants", held.block().hash(),
                        held.block().number(), e.reason().label());
                chargeLater(List.of(held), e.reason());
                chargeLater(download.dropDescendants(held.block().hash()), ValidationReason.INVALID_PARENT);
            }
        }
    }

    /**
     * Charges the senders of invalid held blocks. Not from here: the sender may be another peer, and
     * locking its session while this thread holds its own session (and this lock) could deadlock; a
     * virtual thread takes the charge instead. A block too far in the future stays uncharged.
     */
    private void chargeLater(List<BlockDownload.Held<PeerSession>> invalid, ValidationReason reason) {
        if (reason == ValidationReason.TIME_TOO_FAR_IN_FUTURE) {
            return;
        }
        for (BlockDownload.Held<PeerSession> held : invalid) {
            String detail = "held block " + held.block().hash() + " #" + held.block().number() + " is invalid";
            Thread.ofVirtual().name("charge-" + held.deliveredBy().connection().id())
                    .start(() -> held.deliveredBy().charge(reason.label(), detail));
        }
    }

    /** A list must be one chain, each entry the child of the one before, the first a child of a block we have or want. */
    private void checkLinked(List<BlockRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        BlockRef first = refs.getFirst();
        if (!download.isWanted(first.previousHash()) && store.header(first.previousHash()).isEmpty()) {
            throw new PeerMisbehaviourException(UNLINKED_LIST, "the list starts after " + first.previousHash()
                    + ", a block we neither have nor asked for");
        }
        for (int i = 1; i < refs.size(); i++) {
            BlockRef previous = refs.get(i - 1);
            BlockRef ref = refs.get(i);
            if (!ref.previousHash().equals(previous.hash()) || ref.number() != previous.number() + 1) {
                throw new PeerMisbehaviourException(UNLINKED_LIST, "entry " + i + " (" + ref.hash()
                        + ") does not follow " + previous.hash());
            }
        }
    }

    private void pump() {
        for (BlockDownload.Request<PeerSession> request
                : download.next(System.nanoTime(), peer -> state(peer).requests.tryConsume(1))) {
            request.peer().send(GetBlockMessage.byHash(request.hash()));
        }
        announceDeferredTip();
    }

    /** Keeps the queue fed: a peer whose last list was full is asked for the next one as the queue drains. */
    private void refill() {
        if (download.queued() >= REFILL_BELOW) {
            return;
        }
        for (Map.Entry<PeerSession, PeerState> entry : states.entrySet()) {
            PeerState state = entry.getValue();
            if (state.continueAfter != null) {
                BlockRef after = state.continueAfter;
                state.continueAfter = null;
                requestList(entry.getKey(), state, after);
            }
        }
    }

    /**
     * GETLISTOFBLOCKS with a locator of our best chain; {@code after}, when given, goes first so the
     * peer continues after blocks already queued rather than after our (older) tip.
     */
    private void requestList(PeerSession peer, PeerState state, BlockRef after) {
        long now = System.nanoTime();
        if (state.listPending && now - state.listRequestedAt < LIST_PENDING_NANOS) {
            return;
        }
        state.listPending = true;
        state.listsOutstanding++;
        state.listRequestedAt = now;
        StoredBlock tip = chain.tip();
        List<String> locator = locator(tip.number());
        if (after != null && !after.hash().equals(locator.getFirst())) {
            locator.addFirst(after.hash());
            if (locator.size() > Limits.MAX_LOCATOR_HASHES) {
                locator.remove(locator.size() - 2); // keep genesis last
            }
        }
        peer.send(new GetListOfBlocksMessage(tip.number(), locator));
    }

    /** Newest first: the 10 most recent heights one apart, then doubling steps, always ending with genesis. */
    List<String> locator(long tipNumber) {
        List<String> hashes = new ArrayList<>();
        long step = 1;
        long height = tipNumber;
        while (height > 0 && hashes.size() < Limits.MAX_LOCATOR_HASHES - 1) {
            store.mainChainHashAt(height).ifPresent(hashes::add);
            if (hashes.size() >= RECENT_STEPS) {
                step *= 2;
            }
            height -= step;
        }
        hashes.add(store.mainChainHashAt(0).orElseThrow());
        return hashes;
    }

    private PeerState state(PeerSession peer) {
        return states.computeIfAbsent(peer, p -> new PeerState());
    }

    private void locked(Runnable work) {
        locked(() -> {
            work.run();
            return null;
        });
    }

    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
