package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;

/**
 * Pushed transactions that spend an output the node does not know yet (PROTOCOL.md 7.5 item 7, Bitcoin
 * Core's orphanage), each with the peer {@code P} that pushed it: held until a transaction they spend
 * from enters the mempool or a block, then handed back ({@link #release}) to be offered to the mempool
 * again. Without it a payment that outran its parent (the block paying it, still on its way, or the
 * parent transaction, announced by another peer) was refused {@code unknown_input} and lost on that node.
 *
 * <p>Bounded three ways, since anyone can push transactions spending outputs that never existed, at no
 * signature cost (inputs are looked up before signatures are checked): at most {@code capacity}
 * transactions, each of at most {@link #MAX_PARTS} inputs and outputs, each for at most {@code expiry}.
 * When full, the peer holding the most gives up its oldest, so one peer flooding the pool evicts its own.
 * A peer's orphans leave with it ({@link #forget}). Every scan is over at most {@code capacity} entries.
 *
 * <p>A parent can arrive while its child is being checked, after the check found it missing and before
 * the child is held: {@link #release} would find nothing, and the child would wait for nothing. So
 * release numbers each arrival, and a hold told when its check began ({@link #arrivals()} then) hands
 * the child straight back if one of its parents arrived since ({@link Held#PARENT_ARRIVED}).
 */
final class OrphanTransactions<P> {
    /** Inputs plus outputs of a transaction held, at most: a payment has a few; 100 such take a few MB. */
    static final int MAX_PARTS = 200;
    /** Arrivals remembered for the race above: far more than arrive during one transaction's check. */
    private static final int ARRIVALS_REMEMBERED = 10_000;

    /** What became of an orphan: the label of {@code tallynet_orphans_total}. */
    enum Outcome {
        /** Held for a missing parent: each ends in one of the outcomes below but {@link #TOO_LARGE}. */
        HELD,
        /** Released by its parent's arrival, and in the mempool now. */
        ACCEPTED,
        /** Released, and already in the mempool or a block (it came another way, or with its parent). */
        KNOWN,
        /** Released, and refused for another reason (a bad signature, a conflict, its peer's budget). */
        REFUSED,
        /** Not held: more than {@link #MAX_PARTS} inputs and outputs. */
        TOO_LARGE,
        /** Made room for a newer one. */
        EVICTED,
        EXPIRED,
        /** Its peer's connection closed. */
        FORGOTTEN;

        private final String label = name().toLowerCase(Locale.ROOT);

        String label() {
            return label;
        }
    }

    enum Held { HELD, NOT_HELD, PARENT_ARRIVED }

    interface Counter {
        void count(Outcome outcome, int transactions);
    }

    record Orphan<P>(Transaction tx, P peer, long heldSince) {
    }

    private final int capacity;
    private final long expiryNanos;
    private final Counter counter;
    /** By id, in the order held. */
    private final LinkedHashMap<String, Orphan<P>> byId = new LinkedHashMap<>();
    /** The ids of the orphans spending an output of each transaction id. */
    private final Map<String, Set<String>> byParent = new HashMap<>();
    private final Map<P, Integer> perPeer = new HashMap<>();
    /** The number of the latest arrival of each recent transaction id, and the count of arrivals. */
    private final Map<String, Long> arrived = BoundedMaps.evictingEldest(ARRIVALS_REMEMBERED, false);
    private long arrivals;

    OrphanTransactions(int capacity, long expiryNanos, Counter counter) {
        this.capacity = capacity;
        this.expiryNanos = expiryNanos;
        this.counter = counter;
    }

    /** The arrivals so far: read it before checking a transaction that may become an orphan. */
    synchronized long arrivals() {
        return arrivals;
    }

    /**
     * Holds {@code tx}, pushed by {@code peer} and checked from arrival {@code checkedFrom} on; not if it is
     * too large or held already, nor if a parent arrived since the check began (then offer it again now).
     */
    synchronized Held hold(Transaction tx, P peer, long checkedFrom, long now) {
        if (tx.inputs().size() + tx.outputs().size() > MAX_PARTS) {
            counter.count(Outcome.TOO_LARGE, 1);
            return Held.NOT_HELD;
        }
        if (byId.containsKey(tx.id())) {
            return Held.NOT_HELD;
        }
        counter.count(Outcome.HELD, 1);
        return keep(new Orphan<>(tx, peer, now), checkedFrom, now);
    }

    /**
     * Holds a released orphan again, still lacking a parent (it spends two, one yet to come): under its
     * first hold's time, so its expiry stands, and not counted as held again.
     */
    synchronized Held holdAgain(Orphan<P> orphan, long checkedFrom, long now) {
        if (now - orphan.heldSince() >= expiryNanos) {
            counter.count(Outcome.EXPIRED, 1);
            return Held.NOT_HELD;
        }
        if (byId.containsKey(orphan.tx().id())) { // pushed again meanwhile: held, and counted, once
            counter.count(Outcome.KNOWN, 1);
            return Held.NOT_HELD;
        }
        return keep(orphan, checkedFrom, now);
    }

    private Held keep(Orphan<P> orphan, long checkedFrom, long now) {
        for (TxInput input : orphan.tx().inputs()) {
            Long arrival = arrived.get(input.txId());
            if (arrival != null && arrival > checkedFrom) {
                return Held.PARENT_ARRIVED;
            }
        }
        expire(now);
        while (byId.size() >= capacity) {
            remove(oldestOf(busiestPeer()), Outcome.EVICTED);
        }
        byId.put(orphan.tx().id(), orphan);
        for (TxInput input : orphan.tx().inputs()) {
            byParent.computeIfAbsent(input.txId(), parent -> new LinkedHashSet<>()).add(orphan.tx().id());
        }
        perPeer.merge(orphan.peer(), 1, Integer::sum);
        return Held.HELD;
    }

    synchronized boolean contains(String id) {
        return byId.containsKey(id);
    }

    synchronized int size() {
        return byId.size();
    }

    /**
     * {@code parents} arrived (in the mempool or a connected block): removes and returns the orphans that
     * spend an output of any of them, since they may fit now.
     */
    synchronized List<Orphan<P>> release(Collection<String> parents) {
        List<Orphan<P>> released = new ArrayList<>();
        for (String parent : parents) {
            arrived.put(parent, ++arrivals);
            Set<String> children = byParent.get(parent);
            if (children == null) {
                continue;
            }
            for (String child : List.copyOf(children)) {
                released.add(remove(child, null));
            }
        }
        return released;
    }

    /** Drops the orphans held for the expiry or longer; returns how many. */
    synchronized int expire(long now) {
        List<String> expired = byId.values().stream().filter(orphan -> now - orphan.heldSince() >= expiryNanos)
                .map(orphan -> orphan.tx().id()).toList();
        expired.forEach(id -> remove(id, Outcome.EXPIRED));
        return expired.size();
    }

    /** A peer's connection closed: its orphans go too (and with them the pool's references to it). */
    synchronized void forget(P peer) {
        if (perPeer.containsKey(peer)) {
            List<String> ids = byId.values().stream().filter(orphan -> orphan.peer() == peer)
                    .map(orphan -> orphan.tx().id()).toList();
            ids.forEach(id -> remove(id, Outcome.FORGOTTEN));
        }
    }

    private P busiestPeer() {
        return perPeer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private String oldestOf(P peer) {
        return byId.values().stream().filter(orphan -> orphan.peer() == peer).findFirst().orElseThrow().tx().id();
    }

    /** Removes an orphan, counted under {@code outcome} (null: released, counted once its new check ends). */
    private Orphan<P> remove(String id, Outcome outcome) {
        Orphan<P> orphan = byId.remove(id);
        for (TxInput input : orphan.tx().inputs()) {
            Set<String> children = byParent.get(input.txId());
            if (children != null && children.remove(id) && children.isEmpty()) {
                byParent.remove(input.txId());
            }
        }
        perPeer.computeIfPresent(orphan.peer(), (peer, held) -> held == 1 ? null : held - 1);
        if (outcome != null) {
            counter.count(outcome, 1);
        }
        return orphan;
    }
}
