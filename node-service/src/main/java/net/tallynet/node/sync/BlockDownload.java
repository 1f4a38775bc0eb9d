package net.tallynet.node.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.KnownHeader;

/**
 * Which blocks this node still has to fetch, who listed them, and what is in flight to whom
 * (PROTOCOL.md 7.3). Requests go out in the order blocks were listed (chain order), spread over every
 * peer that listed a block, at most {@code fetchWindow} to each peer, and only among the first
 * {@code downloadWindow} blocks not yet received. One peer's lists may fill at most
 * {@code maxQueuedPerPeer} of the queue, so a peer listing blocks it never serves cannot crowd out
 * the others.
 *
 * <p>A block that arrives before its parent waits here, but only a block this node asked that peer
 * for, and within a byte budget in total and per deliverer ({@code maxHeldBytes},
 * {@code maxHeldBytesPerPeer}): what a lying peer can make us hold is bounded by what we asked of it.
 *
 * <p>A peer answers GETBLOCK in order, so when a later request is answered every earlier one it
 * left unanswered was skipped (it does not have that block): those go to another peer at once. A
 * peer that answers nothing for {@code fetchTimeout} while requests are outstanding has stalled: its
 * requests go elsewhere, and after {@code maxStalls} stalls in a row it should be dropped.
 *
 * <p>Generic in the peer type so it is tested without connections. Not thread-safe: {@link BlockSync}
 * guards it.
 */
final class BlockDownload<P> {

    /**
     * What one queued header costs in memory: the want, its header (four hashes as strings, the chain
     * work) and its map entries, about 700 bytes; counted against its lister's share.
     */
    static final long QUEUED_HEADER_BYTES = 768;

    /**
     * Where queued headers and held blocks count: each peer's share of the peer memory budget
     * (PROTOCOL.md 8). {@link #NONE} counts nothing, for tests of the queue alone.
     */
    interface Accounts<P> {
        /** Takes {@code bytes} of {@code peer}'s share for {@code part}; false if its share would be passed. */
        boolean take(P peer, PeerMemory.Part part, long bytes);

        void give(P peer, PeerMemory.Part part, long bytes);

        /** Whether {@code bytes} more fit the whole budget now. */
        boolean fits(long bytes);

        @SuppressWarnings("rawtypes")
        Accounts NONE = new Accounts() {
            @Override
            public boolean take(Object peer, PeerMemory.Part part, long bytes) {
                return true;
            }

            @Override
            public void give(Object peer, PeerMemory.Part part, long bytes) {
            }

            @Override
            public boolean fits(long bytes) {
                return true;
            }
        };
    }

    /** One GETBLOCK to send. */
    record Request<P>(P peer, String hash) {
    }

    /** What a stall check found: how many requests moved, and the peers that stalled too often. */
    record Expiry<P>(int moved, List<P> stalledOut) {
    }

    private static final class Want<P> {
        final String hash;
        final Set<P> sources = new LinkedHashSet<>(2);
        P askedFrom;
        long askedAt;
        /** Delivered and being connected, or held: never requested again. */
        boolean received;
        /** Received, but its parent is not connected yet. */
        Block orphan;
        long orphanBytes;
        P deliveredBy;
        /** Whose list created this want: its share of the queue. */
        P addedBy;
        /** The checked header the block was listed with (headers first): the next list's entries may build on it. */
        KnownHeader header;

        Want(String hash) {
            this.hash = hash;
        }
    }

    private static final class PeerLoad<P> {
        final Deque<Want<P>> outstanding = new ArrayDeque<>();
        /**
         * Whether {@link #next} may give it more requests: from when it is down to half its window until the window
         * is full again (a fill cut short, by the request pacing say, goes on at the next pump).
         */
        boolean filling = true;
        long lastDelivery;
        int stalls;
    }

    private final int maxWanted;
    private final int fetchWindow;
    private final int downloadWindow;
    private final long fetchTimeoutNanos;
    private final int maxStalls;
    private final long maxOrphanTransactions;
    private final int maxQueuedPerPeer;
    private final long maxHeldBytes;
    private final long maxHeldBytesPerPeer;
    private final Accounts<P> accounts;
    private final LinkedHashMap<String, Want<P>> wanted = new LinkedHashMap<>();
    private final Map<String, List<Want<P>>> orphansByParent = new HashMap<>();
    private final Map<P, PeerLoad<P>> loads = new HashMap<>();
    private final Map<P, Integer> addedBy = new HashMap<>();
    private final Map<P, Long> heldBytesBy = new HashMap<>();
    private long orphanTransactions;
    private long orphanBytes;
    private int orphans;

    @SuppressWarnings("unchecked")
    BlockDownload(SyncProperties properties) {
        this(properties, Accounts.NONE);
    }

    BlockDownload(SyncProperties properties, Accounts<P> accounts) {
        this.accounts = accounts;
        this.maxWanted = properties.maxQueued();
        this.fetchWindow = properties.fetchWindow();
        this.downloadWindow = properties.downloadWindow();
        this.fetchTimeoutNanos = properties.fetchTimeout().toNanos();
        this.maxStalls = properties.maxStalls();
        this.maxOrphanTransactions = properties.maxOrphanTransactions();
        this.maxQueuedPerPeer = properties.maxQueuedPerPeer();
        this.maxHeldBytes = properties.maxHeldBytes();
        this.maxHeldBytesPerPeer = properties.maxHeldBytesPerPeer();
    }

    /** {@code source} has this block; false if the queue, or the source's share of it, is full (ask again later). */
    boolean want(String hash, P source) {
        Want<P> want = wanted.get(hash);
        if (want == null) {
            if (wanted.size() >= maxWanted || addedBy.getOrDefault(source, 0) >= maxQueuedPerPeer
                    || !accounts.take(source, PeerMemory.Part.QUEUED_HEADERS, QUEUED_HEADER_BYTES)) {
                return false;
            }
            want = new Want<>(hash);
            want.addedBy = source;
            addedBy.merge(source, 1, Integer::sum);
            wanted.put(hash, want);
        }
        want.sources.add(source);
        load(source); // every source has a load, which next() looks at before the queue
        return true;
    }

    /** {@link #want(String, Object)} for a block whose header was checked; the header is kept while the block is wanted. */
    boolean want(KnownHeader header, P source) {
        if (!want(header.hash(), source)) {
            return false;
        }
        Want<P> want = wanted.get(header.hash());
        if (want.header == null) {
            want.header = header;
        }
        return true;
    }

    /** The checked header of a wanted block, if it was listed with one. */
    Optional<KnownHeader> header(String hash) {
        Want<P> want = wanted.get(hash);
        return want == null ? Optional.empty() : Optional.ofNullable(want.header);
    }

    /**
     * Whether blocks {@code peer} listed are still queued, not counting {@code except}: while they are,
     * a block from that peer is part of a sync, and only the final tip is announced.
     */
    boolean hasQueuedFrom(P peer, String except) {
        for (Want<P> want : wanted.values()) {
            if (want.sources.contains(peer) && !want.hash.equals(except)) {
                return true;
            }
        }
        return false;
    }

    boolean isWanted(String hash) {
        return wanted.containsKey(hash);
    }

    /** What a delivery settled: the request's latency (-1: not asked of that peer) and requests it proved skipped. */
    record Delivery(long nanos, int skipped) {
        static final Delivery UNASKED = new Delivery(-1, 0);
    }

    /**
     * A block arrived from {@code peer}. Earlier requests to the same peer still outstanding were
     * skipped (it answers in order), so they go back to the queue for another source.
     */
    Delivery delivered(String hash, P peer, long now) {
        PeerLoad<P> load = loads.get(peer);
        Want<P> want = wanted.get(hash);
        if (want == null || load == null || want.askedFrom != peer) {
            return Delivery.UNASKED;
        }
        int skipped = 0;
        while (!load.outstanding.isEmpty()) {
            Want<P> next = load.outstanding.poll();
            if (next == want) {
                break;
            }
            next.askedFrom = null;
            next.sources.remove(peer);
            skipped++;
        }
        load.lastDelivery = now;
        load.stalls = 0;
        want.askedFrom = null;
        want.received = true;
        want.deliveredBy = peer;
        if (skipped > 0) {
            forgetUnreachable();
        }
        return new Delivery(now - want.askedAt, skipped);
    }

    /** The block is stored (or known, or refused): stop wanting it, and let go of it if it was held. */
    void done(String hash) {
        Want<P> want = wanted.get(hash);
        if (want != null) {
            remove(want);
            unassign(want);
            want.sources.clear();
        }
    }

    /**
     * Keeps a block whose parent is still to come; false if we did not ask its deliverer for it
     * (nothing unrequested is held), if it is held already, or if it does not fit the budgets.
     * {@code bytes} is its size as the deliverer sent it.
     */
    boolean holdOrphan(Block block, P deliverer, long bytes) {
        Want<P> want = wanted.get(block.hash());
        if (want == null || !want.received || want.deliveredBy != deliverer || want.orphan != null
                || orphanTransactions + block.transactions().size() > maxOrphanTransactions
                || orphanBytes + bytes > maxHeldBytes || !accounts.fits(bytes)
                || heldBytesBy.getOrDefault(deliverer, 0L) + bytes > maxHeldBytesPerPeer
                || !accounts.take(deliverer, PeerMemory.Part.HELD_BLOCKS, bytes)) {
            return false;
        }
        want.orphan = block;
        want.orphanBytes = bytes;
        orphans++;
        orphanTransactions += block.transactions().size();
        orphanBytes += bytes;
        heldBytesBy.merge(deliverer, bytes, Long::sum);
        orphansByParent.computeIfAbsent(block.previousHash(), h -> new ArrayList<>(1)).add(want);
        return true;
    }

    /** A received block with its deliverer. */
    record Held<P>(Block block, P deliveredBy) {
    }

    /** The blocks held waiting for this parent, no longer wanted: the caller connects them now. */
    List<Held<P>> takeChildren(String parentHash) {
        List<Want<P>> children = orphansByParent.remove(parentHash);
        if (children == null) {
            return List.of();
        }
        List<Held<P>> blocks = new ArrayList<>(children.size());
        for (Want<P> child : children) {
            blocks.add(new Held<>(child.orphan, child.deliveredBy));
            remove(child);
        }
        return blocks;
    }

    /** Every block held below {@code invalidHash} (children, their children...), no longer wanted: they are invalid too. */
    List<Held<P>> dropDescendants(String invalidHash) {
        List<Held<P>> dropped = new ArrayList<>();
        Deque<String> parents = new ArrayDeque<>(List.of(invalidHash));
        while (!parents.isEmpty()) {
            for (Held<P> child : takeChildren(parents.poll())) {
                dropped.add(child);
                parents.add(child.block().hash());
            }
        }
        return dropped;
    }

    /** Picks the next requests: the oldest unrequested wants first, each to its least busy source. */
    List<Request<P>> next(long now) {
        return next(now, peer -> true);
    }

    /**
     * As {@link #next(long)}, asking {@code mayRequest} before each request to a peer (it may spend a
     * token of a rate limit: it is asked only when the request will be made).
     */
    List<Request<P>> next(long now, java.util.function.Predicate<P> mayRequest) {
        // a peer with requests in flight gets more only once it is down to half its window, and is then filled
        // up: a sync's requests go out in batches rather than one block for each block delivered, and a pump
        // in which every peer is still above half returns here, before the queue (the two were a tenth of a
        // syncing node's receiving thread)
        boolean anyFilling = false;
        for (PeerLoad<P> load : loads.values()) {
            load.filling |= load.outstanding.size() <= fetchWindow / 2;
            anyFilling |= load.filling;
        }
        if (!anyFilling) {
            return List.of();
        }
        List<Request<P>> requests = new ArrayList<>();
        int seen = 0;
        for (Want<P> want : wanted.values()) {
            if (want.received) {
                continue; // held blocks are bounded by their own budget, and must not freeze the window
            }
            if (seen++ >= downloadWindow) {
                break;
            }
            if (want.askedFrom != null) {
                continue;
            }
            P best = null;
            int bestLoad = fetchWindow;
            for (P source : want.sources) {
                PeerLoad<P> load = load(source);
                if (load.filling && load.outstanding.size() < bestLoad) {
                    best = source;
                    bestLoad = load.outstanding.size();
                }
            }
            if (best != null && mayRequest.test(best)) {
                PeerLoad<P> load = load(best);
                if (load.outstanding.isEmpty()) {
                    load.lastDelivery = now; // the stall clock starts with the first outstanding request
                }
                want.askedFrom = best;
                want.askedAt = now;
                load.outstanding.add(want);
                load.filling = load.outstanding.size() < fetchWindow;
                requests.add(new Request<>(best, want.hash));
            }
        }
        return requests;
    }

    /**
     * Moves the requests of every peer that has answered nothing for the fetch timeout to other
     * peers; forgets blocks nobody else listed and orphans whose parent is no longer coming.
     */
    Expiry<P> expire(long now) {
        int moved = 0;
        List<P> stalledOut = new ArrayList<>();
        for (Map.Entry<P, PeerLoad<P>> entry : loads.entrySet()) {
            PeerLoad<P> load = entry.getValue();
            if (load.outstanding.isEmpty() || now - load.lastDelivery < fetchTimeoutNanos) {
                continue;
            }
            P peer = entry.getKey();
            for (Want<P> want : List.copyOf(load.outstanding)) {
                want.sources.remove(peer);
                unassign(want);
                moved++;
            }
            load.lastDelivery = now;
            if (++load.stalls >= maxStalls) {
                stalledOut.add(peer);
            }
        }
        forgetUnreachable();
        return new Expiry<>(moved, stalledOut);
    }

    /** The peer is gone: its requests go to others, and it no longer counts as a source. */
    void peerGone(P peer) {
        PeerLoad<P> load = loads.remove(peer);
        if (load != null) {
            for (Want<P> want : load.outstanding) {
                want.askedFrom = null;
            }
        }
        for (Want<P> want : wanted.values()) {
            want.sources.remove(peer);
        }
        forgetUnreachable();
    }

    int queued() {
        return wanted.size();
    }

    int inFlight() {
        int total = 0;
        for (PeerLoad<P> load : loads.values()) {
            total += load.outstanding.size();
        }
        return total;
    }

    int orphans() {
        return orphans;
    }

    long orphanBytes() {
        return orphanBytes;
    }

    /** Removes a want from the queue: its share of its lister's quota and, if held, its block. */
    private void remove(Want<P> want) {
        wanted.remove(want.hash);
        addedBy.computeIfPresent(want.addedBy, (peer, count) -> count > 1 ? count - 1 : null);
        accounts.give(want.addedBy, PeerMemory.Part.QUEUED_HEADERS, QUEUED_HEADER_BYTES);
        if (want.orphan != null) {
            List<Want<P>> siblings = orphansByParent.get(want.orphan.previousHash());
            if (siblings != null) {
                siblings.remove(want);
                if (siblings.isEmpty()) {
                    orphansByParent.remove(want.orphan.previousHash());
                }
            }
            dropOrphan(want);
        }
    }

    private void unassign(Want<P> want) {
        if (want.askedFrom != null) {
            PeerLoad<P> load = loads.get(want.askedFrom);
            if (load != null) {
                load.outstanding.remove(want);
            }
            want.askedFrom = null;
        }
    }

    private void dropOrphan(Want<P> want) {
        if (want.orphan != null) {
            orphans--;
            orphanTransactions -= want.orphan.transactions().size();
            orphanBytes -= want.orphanBytes;
            heldBytesBy.computeIfPresent(want.deliveredBy, (peer, bytes) -> bytes > want.orphanBytes
                    ? bytes - want.orphanBytes : null);
            accounts.give(want.deliveredBy, PeerMemory.Part.HELD_BLOCKS, want.orphanBytes);
            want.orphan = null;
        }
    }

    /**
     * Wants nobody can serve (no source left, not received) are forgotten: a later list brings them
     * back. Then orphans whose parent is no longer wanted are dropped, repeatedly, since dropping one
     * strands its own children.
     */
    private void forgetUnreachable() {
        for (Want<P> want : List.copyOf(wanted.values())) {
            if (want.sources.isEmpty() && !want.received && want.askedFrom == null) {
                remove(want);
            }
        }
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            Iterator<Map.Entry<String, List<Want<P>>>> parents = orphansByParent.entrySet().iterator();
            while (parents.hasNext()) {
                Map.Entry<String, List<Want<P>>> parent = parents.next();
                if (!wanted.containsKey(parent.getKey())) {
                    parents.remove();
                    for (Want<P> child : parent.getValue()) {
                        remove(child);
                    }
                    dropped = true;
                }
            }
        }
    }

    private PeerLoad<P> load(P peer) {
        return loads.computeIfAbsent(peer, p -> new PeerLoad<>());
    }
}
