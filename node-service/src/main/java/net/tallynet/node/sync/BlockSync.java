package net.tallynet.node.sync;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredHeader;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.RollingBloomFilter;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.HeaderCheck;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.KnownHeader;
import net.tallynet.protocol.ledger.ValidationReason;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.Method;
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
    private final HeaderCheck headers;
    private volatile Runnable fellBehind = () -> {
    };
    private final CompactPeers compact;
    private final BlockBatches batches;
    private final Map<PeerSession, PeerState> states = new HashMap<>();
    /** Peers whose blocks waiting for a parent would have passed their memory share: dropped once the lock is released. */
    private final Set<PeerSession> overShare = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock(true);
    private final int maxStalls;
    private final int maxPresyncLists;
    private final int requestsPerSecond;

    private static final class PeerState {
        final RollingBloomFilter known = new RollingBloomFilter(KNOWN_PER_PEER, 1e-6);
        /** The newest block number the peer has shown us (HELLO, lists, announcements). */
        long bestNumber = -1;
        /** The hash of the last entry of its last full list that we queued: the next list continues after it. */
        String continueAfter;
        long listRequestedAt;
        boolean listPending;
        /** GETLISTOFBLOCKS sent to the peer and not yet answered, late answers included (we may ask again after 30 s). */
        int listsOutstanding;
        /** The newest hash it announced that we had no header for: asked for once more if its list lacked it. */
        String announced;
        /** Its branch's headers being counted before any body is asked for (a branch behind us so far), or null. */
        Presync presync;
        /** GETBLOCK frames to this peer, paced (tallynet.sync.requests-per-second). */
        final Bucket requests;
        /** The largest BLOCK frame it has sent us: how many hashes one GETBLOCK to it asks for (12.2). */
        long largestBlock;

        PeerState(int requestsPerSecond) {
            requests = Bucket.builder().addLimit(Bandwidth.builder().capacity(requestsPerSecond)
                    .refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build()).build();
        }
    }

    /**
     * A branch whose first full list of headers had less work than our tip: its lists are checked and
     * counted, and only the last hash of each is kept, until one ends with more work than our tip
     * (after Bitcoin Core's headers pre-sync). Then the branch is listed again from the fork, and a
     * list is queued if it ends at one of those hashes: a hash commits to every header before it, so
     * the second pass is the branch the first pass counted. Memory: a few headers and one hash per list.
     */
    private static final class Presync {
        /** The block the first list followed: the second pass lists from it again. */
        final String start;
        /** The last hash of each list counted, then the end of the list that had the work. */
        final Set<String> checkpoints = new HashSet<>();
        /** The newest headers counted (newest last), the ancestors the next list's checks need. */
        final Deque<KnownHeader> tail = new ArrayDeque<>();
        int lists;
        /** The branch had more work than our tip: its lists are now queued from the fork. */
        boolean proven;
        /** The end of the proven part: once it is queued, the pre-sync is over. */
        String provenEnd;

        Presync(String start) {
            this.start = start;
        }

        Optional<KnownHeader> find(String hash) {
            for (KnownHeader header : tail) {
                if (header.hash().equals(hash)) {
                    return Optional.of(header);
                }
            }
            return Optional.empty();
        }
    }

    /** The newest block connected while blocks were still queued: announced once the queue is empty. */
    private Block unannouncedTip;
    private Object unannouncedSource;

    public BlockSync(ChainStore store, Chain chain, Ledger ledger, PeerRegistry peers, RelayMetrics metrics,
                     SyncProperties properties, ServingLimits serving, ChainParams params, PeerMemory memory,
                     CompactPeers compact, BlockBatches batches) {
        this.batches = batches;
        this.headers = new HeaderCheck(params, Clock.systemUTC());
        this.compact = compact;
        this.serving = serving;
        this.store = store;
        this.chain = chain;
        this.ledger = ledger;
        this.peers = peers;
        this.metrics = metrics;
        this.download = new BlockDownload<>(properties, new SharesOfPeers(memory));
        this.maxStalls = properties.maxStalls();
        this.maxPresyncLists = properties.maxPresyncLists();
        this.requestsPerSecond = properties.requestsPerSecond();
        ledger.addListener(this);
    }

    /**
     * A node peer is established: if it is ahead (or on another branch), ask which blocks we lack; if our tip
     * changed since our HELLO, announce it.
     */
    public void established(PeerSession peer) {
        boolean behind = locked(() -> {
            PeerState state = state(peer);
            HelloMessage hello = peer.remoteHello();
            state.known.add(hello.bestHash());
            state.bestNumber = hello.blockCount() - 1;
            StoredHeader tip = chain.tip();
            if (hello.blockCount() > tip.number() + 1
                    || (hello.blockCount() == tip.number() + 1 && !hello.bestHash().equals(tip.hash()))) {
                requestList(peer, state, null);
            } else if (peer.sentHello() != null && !peer.sentHello().bestHash().equals(tip.hash())
                    && state.known.add(tip.hash())) {
                // a block found between our HELLO and the end of the handshake was relayed to established peers
                // only, so not to this one, which was told of an older tip: it hears of ours now (PROTOCOL.md 7.4)
                peer.send(new BroadcastBlockMessage(tip.number(), tip.hash()));
            }
            return state.bestNumber - tip.number() > 1;
        });
        if (behind) {
            fellBehind.run(); // outside the lock: the progress it reads takes it
        }
    }

    /** Called (on the peer's thread) when a handshake shows a peer more than one block ahead: a sync begins. */
    void whenBehind(Runnable listener) {
        fellBehind = listener;
    }

    public void closed(PeerSession peer) {
        locked(() -> {
            states.remove(peer);
            overShare.remove(peer);
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
            StoredHeader tip = chain.tip();
            long last = Math.min(tip.number(), fork + Limits.MAX_LIST_OF_BLOCKS);
            List<BlockRef> refs = store.mainChainRefs(fork + 1, last);
            peer.send(new ListOfBlocksMessage(refs));
            if (request.number() > tip.number()) {
                requestList(peer, state(peer), null); // it thinks it is ahead of us: ask it back (PROTOCOL.md 7.3 step 2)
            }
        });
    }

    /**
     * LISTOFBLOCKS: check the entries as headers, then queue the bodies we lack (headers first,
     * PROTOCOL.md 7.7). Only the answer to our GETLISTOFBLOCKS is taken (an unasked list is charged),
     * only a list that is one chain from a header we know, and only entries that pass the header
     * rules: made-up hashes cannot fill the queue. Bodies are asked for only when the listed chain has
     * more work than our tip; a full list behind it starts or continues a {@link Presync}.
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
            List<BlockRef> refs = list.blocks();
            checkLinked(state, refs);
            List<KnownHeader> checked;
            try {
                checked = headers.check(refs, hash -> knownHeader(state, hash));
            } catch (InvalidLedgerObjectException e) {
                throw new PeerMisbehaviourException(e.reason().label(), "LISTOFBLOCKS entry: " + e.getMessage());
            }
            for (KnownHeader header : checked) {
                if (chain.wasInvalid(header.hash())) {
                    throw new PeerMisbehaviourException(ValidationReason.KNOWN_INVALID.label(), "LISTOFBLOCKS entry "
                            + header.hash() + " #" + header.number() + " was found invalid before");
                }
                state.known.add(header.hash());
                state.bestNumber = Math.max(state.bestNumber, header.number());
            }
            if (checked.size() < refs.size()) {
                metrics.headers("future", refs.size() - checked.size());
            }
            boolean full = refs.size() == Limits.MAX_LIST_OF_BLOCKS && checked.size() == refs.size();
            List<KnownHeader> take = checked;
            if (!checked.isEmpty() && moreWorkThanTip(checked.getLast())) {
                if (finishPresync(peer, state, refs, checked.getLast())) {
                    metrics.headers("presync", checked.size());
                    return;
                }
            } else if (!checked.isEmpty()) {
                int proven = provenPrefix(state, checked);
                if (proven > 0) {
                    take = checked.subList(0, proven);
                    full = true; // continue right after the counted hash, where the first pass's next list began
                } else if (full) {
                    presync(peer, state, checked);
                    return;
                } else {
                    metrics.headers("low_work", checked.size());
                    state.presync = null;
                    log.debug("peer {} {}: its branch to #{} has less work than our tip; no body asked for",
                            peer.connection().id(), peer.remoteHost(), checked.getLast().number());
                    return;
                }
            }
            queue(peer, state, take, full);
            askAgainForAnnounced(peer, state);
            pump();
            refill();
        });
    }

    /** Queues the bodies of checked headers we lack; a full list (or a full queue) continues later. */
    private void queue(PeerSession peer, PeerState state, List<KnownHeader> checked, boolean full) {
        if (checked.isEmpty()) {
            state.continueAfter = null;
            return;
        }
        KnownHeader lastQueued = null;
        boolean refusedBranch = false;
        for (KnownHeader header : checked) {
            if (chain.wasNotStored(header.hash())) {
                refusedBranch = true; // a side branch we refused to store: nothing of it, or after it, again
                break;
            }
            // by number: a list of new blocks (a sync's every list) asks the database nothing, where a query for
            // each of its 2,000 headers was over a third of a new member's time from connecting to its first block
            if (store.has(header.hash(), header.number()) || download.want(header, peer)) {
                lastQueued = header;
            } else {
                break; // queue full: continue after the last one queued, later
            }
        }
        metrics.headers("queued", checked.size());
        if (state.presync != null && lastQueued != null && lastQueued.hash().equals(state.presync.provenEnd)) {
            state.presync = null; // the whole counted branch is queued: from here lists carry their own work
        }
        boolean more = !refusedBranch && (full || (lastQueued != null && lastQueued != checked.getLast()));
        state.continueAfter = more ? lastQueued.hash() : null;
    }

    private boolean moreWorkThanTip(KnownHeader last) {
        return last.chainWork().compareTo(new BigInteger(chain.tip().chainWork(), 16)) > 0;
    }

    /**
     * In a proven pre-sync's second pass, how many of these headers a counted hash commits to: up to
     * and including the last entry that is one (0 if none). Those bodies may be asked for although
     * the list alone has less work than our tip: the first pass saw the branch go on to more.
     */
    private int provenPrefix(PeerState state, List<KnownHeader> checked) {
        if (state.presync == null || !state.presync.proven) {
            return 0;
        }
        for (int i = checked.size() - 1; i >= 0; i--) {
            if (state.presync.checkpoints.contains(checked.get(i).hash())) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * A full list whose chain has less work than our tip so far: count it, keep its last hash and the
     * headers the next list's checks need, and ask for the list after it. No body is asked for.
     */
    private void presync(PeerSession peer, PeerState state, List<KnownHeader> checked) {
        Presync presync = state.presync;
        boolean continues = presync != null && !presync.proven
                && presync.find(checked.getFirst().ref().previousHash()).isPresent();
        if (!continues) {
            presync = new Presync(checked.getFirst().ref().previousHash());
            state.presync = presync;
        }
        if (++presync.lists > maxPresyncLists) {
            state.presync = null;
            metrics.headers("low_work", checked.size());
            log.info("peer {} {}: its branch still has less work than our tip after {} lists of headers; left",
                    peer.connection().id(), peer.remoteHost(), maxPresyncLists);
            return;
        }
        metrics.headers("presync", checked.size());
        presync.checkpoints.add(checked.getLast().hash());
        presync.tail.clear();
        presync.tail.addAll(checked.subList(Math.max(0, checked.size() - headers.window()), checked.size()));
        requestList(peer, state, checked.getLast().hash());
    }

    /**
     * The end of a pre-sync's first pass: a list that continues the counted headers and has more work
     * than our tip. Its bodies are not asked for yet (the earlier lists' are needed first): the branch
     * is listed again from the fork, and its lists are taken when they end at a counted hash.
     */
    private boolean finishPresync(PeerSession peer, PeerState state, List<BlockRef> refs, KnownHeader last) {
        Presync presync = state.presync;
        if (presync == null || presync.proven || presync.find(refs.getFirst().previousHash()).isEmpty()) {
            return false;
        }
        presync.proven = true;
        presync.provenEnd = last.hash();
        presync.checkpoints.add(last.hash());
        presync.tail.clear();
        log.info("peer {} {}: pre-sync of {} lists of headers reached more work than our tip at #{}; fetching the branch",
                peer.connection().id(), peer.remoteHost(), presync.lists + 1, last.number());
        requestList(peer, state, presync.start); // the same lists again: they end at the counted hashes
        return true;
    }

    /** A header this peer's lists may build on: a stored block, a queued one, or one its pre-sync counted. */
    private Optional<KnownHeader> knownHeader(PeerState state, String hash) {
        Optional<KnownHeader> queued = download.header(hash);
        if (queued.isPresent()) {
            return queued;
        }
        if (state.presync != null) {
            Optional<KnownHeader> counted = state.presync.find(hash);
            if (counted.isPresent()) {
                return counted;
            }
        }
        return store.storedHeader(hash).map(StoredHeader::checkedHeader);
    }

    /** Headers first up to an announced block: the peer is asked for the headers to it, and again if its list lacks it. */
    private void askHeadersUpTo(PeerSession peer, PeerState state, String hash) {
        state.announced = hash;
        requestList(peer, state, null);
    }

    /** An announced hash its answering list did not carry: ask once more (the peer may have mined since it listed). */
    private void askAgainForAnnounced(PeerSession peer, PeerState state) {
        String announced = state.announced;
        state.announced = null;
        if (announced != null && !download.isWanted(announced) && !store.has(announced)) {
            requestList(peer, state, null);
        }
    }

    /**
     * BLOCK: accept it, and any blocks that were waiting for it; an unknown parent we are not fetching
     * means we miss blocks. {@code frameBytes} is the size of the frame it came in, for the held-block budget.
     */
    public void onBlock(PeerSession peer, Block block, long frameBytes) {
        locked(() -> {
            PeerState state = state(peer);
            state.known.add(block.hash());
            if (!download.isWanted(block.hash())) {
                // no checked header asked for it (headers first): unrequested, or the late answer to a
                // request another peer has since answered; not charged, not validated, not kept
                metrics.blockUnrequested();
                log.debug("peer {} {}: BLOCK {} #{} nobody asked for, ignored", peer.connection().id(),
                        peer.remoteHost(), block.hash(), block.number());
                return;
            }
            state.bestNumber = Math.max(state.bestNumber, block.number());
            BlockDownload.Delivery delivery = download.delivered(block.hash(), peer, System.nanoTime());
            if (delivery.nanos() >= 0) {
                metrics.fetched(delivery.nanos());
                state.largestBlock = Math.max(state.largestBlock, frameBytes);
                peer.solicited(); // batches bring many blocks per request: our answers are no flood
            }
            metrics.moved(delivery.skipped(), 0);
            try {
                connect(peer, block, delivery.nanos() >= 0, frameBytes, false, false);
            } finally {
                pump();
            }
            refill();
        });
        dropOverShare();
    }

    /**
     * Queued headers and held blocks count against each peer's share of the peer memory budget
     * (PROTOCOL.md 8). A peer whose held blocks would pass its share is dropped, never buffered; one
     * whose queued headers would is simply not queued further (we chose to queue them).
     */
    private final class SharesOfPeers implements BlockDownload.Accounts<PeerSession> {
        private final PeerMemory memory;

        SharesOfPeers(PeerMemory memory) {
            this.memory = memory;
        }

        @Override
        public boolean take(PeerSession peer, PeerMemory.Part part, long bytes) {
            boolean taken = peer.connection().memory().take(part, bytes);
            if (!taken && part == PeerMemory.Part.HELD_BLOCKS) {
                overShare.add(peer);
            }
            return taken;
        }

        @Override
        public void give(PeerSession peer, PeerMemory.Part part, long bytes) {
            peer.connection().memory().give(part, bytes);
        }

        @Override
        public boolean fits(long bytes) {
            return memory.fits(bytes);
        }
    }

    private void dropOverShare() {
        List<PeerSession> over = locked(() -> {
            List<PeerSession> peers = List.copyOf(overShare);
            overShare.clear();
            return peers;
        });
        for (PeerSession peer : over) {
            log.info("peer {} {}: blocks it sent would pass its share of peer memory, disconnecting",
                    peer.connection().id(), peer.remoteHost());
            peer.disconnect(CloseReason.MEMORY_BUDGET);
        }
    }

    /**
     * BROADCASTBLOCK: the peer has this block. If we lack it, ask the peer for the headers up to it
     * (headers first: an announcement names a hash, and no body is asked for on a hash alone).
     */
    public void onAnnounce(PeerSession peer, BroadcastBlockMessage announcement) {
        locked(() -> {
            PeerState state = state(peer);
            state.known.add(announcement.hash());
            state.bestNumber = Math.max(state.bestNumber, announcement.number());
            if (store.has(announcement.hash(), announcement.number()) || download.isWanted(announcement.hash())) {
                return;
            }
            // the next block on our tip, from a peer that speaks compact blocks: asked for in compact form,
            // whose header is checked before anything else is done for it (PROTOCOL.md 12.1)
            if (announcement.number() == chain.tip().number() + 1 && compact.negotiated(peer)
                    && compact.request(announcement.hash(), peer, System.nanoTime())) {
                peer.send(GetBlockMessage.compactByHash(announcement.hash()));
                return;
            }
            askHeadersUpTo(peer, state, announcement.hash());
        });
    }

    /**
     * What a COMPACTBLOCK's header allows: rebuild its block (pushed to us, or asked of this peer after its
     * announcement), or nothing more (known, fetched another way, or dropped).
     */
    enum CompactHeader { REBUILD_PUSHED, REBUILD_ASKED, KNOWN, FETCHING, DROPPED }

    /**
     * A COMPACTBLOCK's header, checked as a listed header is (7.7) against the stored chain before its
     * block is rebuilt. A header whose parent we lack is treated as an announcement: the peer is asked
     * for the headers up to it.
     *
     * @throws PeerMisbehaviourException the header breaks a rule
     */
    CompactHeader onCompactHeader(PeerSession peer, BlockRef header) {
        return locked(() -> {
            PeerState state = state(peer);
            state.known.add(header.hash());
            state.bestNumber = Math.max(state.bestNumber, header.number());
            if (chain.failedOnlySpendRules(header.hash())) {
                compact.answered(header.hash());
                return CompactHeader.KNOWN; // pushed on by a peer before its spend rules ran, as we may push
            }
            if (chain.wasInvalid(header.hash())) {
                throw new PeerMisbehaviourException(ValidationReason.KNOWN_INVALID.label(), "COMPACTBLOCK "
                        + header.hash() + " #" + header.number() + " was found invalid before");
            }
            if (store.has(header.hash(), header.number()) || download.isWanted(header.hash()) || chain.wasNotStored(header.hash())
                    || chain.wasNotStored(header.previousHash())) {
                compact.answered(header.hash());
                return CompactHeader.KNOWN; // had, fetching, or a side branch we refused to store (7.4)
            }
            if (!store.has(header.previousHash())) {
                compact.answered(header.hash());
                askHeadersUpTo(peer, state, header.hash());
                return CompactHeader.FETCHING;
            }
            List<KnownHeader> checked;
            try {
                checked = headers.check(List.of(header), hash -> store.storedHeader(hash).map(StoredHeader::checkedHeader));
            } catch (InvalidLedgerObjectException e) {
                throw new PeerMisbehaviourException(e.reason().label(), "COMPACTBLOCK header: " + e.getMessage());
            }
            if (checked.isEmpty()) {
                return CompactHeader.DROPPED; // too far in the future; a GETBLOCK compact for it falls back when it times out
            }
            boolean asked = compact.answered(header.hash(), peer);
            if (!moreWorkThanTip(checked.getFirst())) {
                // a block that would not become our tip is not rebuilt on a peer's word: it goes headers first (7.7)
                askHeadersUpTo(peer, state, header.hash());
                return CompactHeader.FETCHING;
            }
            return asked ? CompactHeader.REBUILD_ASKED : CompactHeader.REBUILD_PUSHED;
        });
    }

    /** What became of a block rebuilt from a COMPACTBLOCK ({@link #onRebuilt}). */
    enum Rebuilt {
        /** It brought the block first, and the block is stored. */
        FIRST,
        /** The block came meanwhile by another way, or was refused. */
        NOT_FIRST,
        /**
         * Its transactions do not match the header's merkle root: one of ours shared a short id with one of the
         * block's, or the peer sent others. The block itself may be valid; it is fetched whole.
         */
        WRONG_TRANSACTIONS
    }

    /** A block rebuilt from a COMPACTBLOCK: connected as a BLOCK is, though no list asked for it. */
    Rebuilt onRebuilt(PeerSession peer, Block block, long frameBytes, boolean pushed) {
        Rebuilt rebuilt = locked(() -> {
            state(peer).known.add(block.hash());
            if (store.has(block.hash(), block.number()) || download.isWanted(block.hash())) {
                return Rebuilt.NOT_FIRST;
            }
            try {
                if (connect(peer, block, false, frameBytes, pushed, true)) {
                    askHeadersUpTo(peer, state(peer), block.hash());
                    return Rebuilt.WRONG_TRANSACTIONS;
                }
            } finally {
                pump();
            }
            // not if refused: an invalid block brings its sender no push slot
            return store.has(block.hash()) ? Rebuilt.FIRST : Rebuilt.NOT_FIRST;
        });
        dropOverShare();
        return rebuilt;
    }

    /** A compact block that could not be rebuilt (or whose missing transactions never came): fetched whole, headers first. */
    void fetchWhole(PeerSession peer, String hash) {
        locked(() -> {
            if (!store.has(hash) && !download.isWanted(hash)) {
                PeerState state = state(peer);
                askHeadersUpTo(peer, state, hash);
            }
        });
    }

    /**
     * Compact relay's early push (PROTOCOL.md 12.1): a block with more work than the tip, stored and with only
     * its spend rules left to run, goes at once to the peers that asked for pushes, so that each hop of a line
     * costs a header check and a store, not a validation and a commit. Not while it comes in a sync from its
     * sender (the tip is announced once that ends). Called holding the ledger: a block from a peer comes here
     * on the thread that holds this sync's lock (every peer block reaches the ledger through it), which may then
     * consult what each peer knows; a block of our own (mined) does not take the lock, which a peer's thread
     * may hold while it waits for the ledger.
     */
    @Override
    public void blockStored(Block block, Object source) {
        boolean ours = lock.isHeldByCurrentThread();
        if (source instanceof PeerSession from && (!ours || download.hasQueuedFrom(from, block.hash()))) {
            return;
        }
        int pushed = compact.pushEarly(block, peers.established(), peer -> peer != source
                && HelloMessage.ROLE_NODE.equals(peer.remoteHello().role()) && (!ours || state(peer).known.add(block.hash())));
        for (int i = 0; i < pushed; i++) {
            metrics.blockAnnounced(true);
        }
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
            if (peer == source || !HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())
                    || compact.pushedEarly(tip.hash(), peer)) {
                continue;
            }
            boolean fresh = state(peer).known.add(tip.hash());
            if (fresh && compact.wantsPush(peer)) {
                peer.sendEncoded(Method.COMPACTBLOCK, compact.frameOf(tip)); // high-bandwidth: no announcement round trip
            } else if (fresh) {
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
     * may be ahead of ours, and the block may become valid. Nor is the pusher of a compact block that failed
     * only its spend rules: it may have pushed it on before running them, as we do (PROTOCOL.md 12.1); one we
     * asked for after its announcement has no such excuse (blocks are announced once connected). A block
     * {@code rebuilt} from a COMPACTBLOCK that the block rules refuse, and whose transactions do not match its merkle
     * root, was rebuilt with the wrong transactions: nothing is dropped or charged, and true is returned (the caller
     * fetches it whole).
     */
    private boolean connect(PeerSession peer, Block block, boolean asked, long frameBytes, boolean pushed,
                            boolean rebuilt) {
        Chain.Result result;
        try {
            result = ledger.acceptBlock(block, peer);
        } catch (InvalidLedgerObjectException e) {
            if (rebuilt && (e.reason() == ValidationReason.BAD_MERKLE_ROOT || !merkleRootMatches(block))) {
                // the root is checked once, by the block rules, not also while rebuilding (BlockReconstruction); a rule
                // they check before it (the block's size) may refuse the wrong transactions first
                log.info("peer {} {}: compact block {} #{} rebuilt with the wrong transactions; fetching it whole",
                        peer.connection().id(), peer.remoteHost(), block.hash(), block.number());
                return true;
            }
            download.done(block.hash());
            chargeLater(download.dropDescendants(block.hash()), ValidationReason.INVALID_PARENT);
            if (e.reason() == ValidationReason.TIME_TOO_FAR_IN_FUTURE) {
                log.info("peer {} {}: block {} #{} is too far in the future, dropped", peer.connection().id(),
                        peer.remoteHost(), block.hash(), block.number());
                return false;
            }
            if (pushed && chain.failedOnlySpendRules(block.hash())) {
                log.info("peer {} {}: pushed compact block {} #{} failed its spend rules ({}), not charged",
                        peer.connection().id(), peer.remoteHost(), block.hash(), block.number(), e.reason().label());
                return false;
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
            return false;
        }
        if (result.outcome() == Chain.Outcome.ORPHAN) {
            if (!asked || !download.isWanted(block.previousHash()) || !download.holdOrphan(block, peer, frameBytes)) {
                download.done(block.hash());
                requestList(peer, state(peer), null);
            }
            return false;
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
        return false;
    }

    /** Only for a rebuilt block that the block rules refused: its transactions against the header's merkle root. */
    private static boolean merkleRootMatches(Block block) {
        return CanonicalEncoding.merkleRootOf(block.transactions())
                .equals(block.merkleRoot());
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

    /**
     * A list must be one chain, each entry the child of the one before, the first a child of a block
     * we have, want, or counted in this peer's pre-sync.
     */
    private void checkLinked(PeerState state, List<BlockRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        BlockRef first = refs.getFirst();
        if (knownHeader(state, first.previousHash()).isEmpty()) {
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
        GetBlockFrames<PeerSession> frames = new GetBlockFrames<>(
                peer -> batches.hashesPerFrame(peer, state(peer).largestBlock), peer -> state(peer).requests.tryConsume(1));
        for (GetBlockFrames.Frame<PeerSession> frame : frames.of(download.next(System.nanoTime(), frames::mayRequest))) {
            frame.peer().send(frame.message());
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
                String after = state.continueAfter;
                state.continueAfter = null;
                requestList(entry.getKey(), state, after);
            }
        }
    }

    /**
     * GETLISTOFBLOCKS with a locator of our best chain; {@code after}, when given, goes first so the
     * peer continues after blocks already queued rather than after our (older) tip.
     */
    private void requestList(PeerSession peer, PeerState state, String after) {
        long now = System.nanoTime();
        if (state.listPending && now - state.listRequestedAt < LIST_PENDING_NANOS) {
            return;
        }
        state.listPending = true;
        state.listsOutstanding++;
        state.listRequestedAt = now;
        StoredHeader tip = chain.tip();
        List<String> locator = locator(tip.number());
        if (after != null && !after.equals(locator.getFirst())) {
            locator.addFirst(after);
            if (locator.size() > Limits.MAX_LOCATOR_HASHES) {
                locator.remove(locator.size() - 2); // keep genesis last
            }
        }
        peer.send(new GetListOfBlocksMessage(tip.number(), locator));
    }

    /**
     * Newest first: the 10 most recent heights one apart, then heights that are multiples of a doubling step
     * (2, 4, 8, ...), always ending with genesis. Aligned, the older heights stay the same for many tips in a
     * row, so the store answers them from memory: a locator is built for every announced block, on the relay path.
     */
    List<String> locator(long tipNumber) {
        List<String> hashes = new ArrayList<>();
        long step = 1;
        long height = tipNumber;
        while (height > 0 && hashes.size() < Limits.MAX_LOCATOR_HASHES - 1) {
            store.mainChainHashAt(height).ifPresent(hashes::add);
            if (hashes.size() >= RECENT_STEPS) {
                step *= 2;
                height = (height - 1) / step * step;
            } else {
                height--;
            }
        }
        hashes.add(store.mainChainHashAt(0).orElseThrow());
        return hashes;
    }

    private PeerState state(PeerSession peer) {
        return states.computeIfAbsent(peer, p -> new PeerState(requestsPerSecond));
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
