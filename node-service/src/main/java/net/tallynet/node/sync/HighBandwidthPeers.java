package net.tallynet.node.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The peers a node asks to push blocks to it (BIP152's high-bandwidth mode, PROTOCOL.md 12.1): the
 * ones that most recently brought it a new block first, at most {@code limit}. The one falling off the
 * end goes, unless it is the only one there that the node dialled: then the last inbound one goes,
 * since inbound connections are anyone's to open. Not thread-safe; the caller locks.
 *
 * @param <P> a peer
 */
final class HighBandwidthPeers<P> {
    /** What the peers must be told: {@code added} to push (null if it already did), {@code dropped} to announce again. */
    record Change<P>(P added, List<P> dropped) {
    }

    private final int limit;
    private final Predicate<P> dialled;
    /** Most recent bringer of a block first. */
    private final Deque<P> peers = new ArrayDeque<>();

    HighBandwidthPeers(int limit, Predicate<P> dialled) {
        this.limit = limit;
        this.dialled = dialled;
    }

    /** The peer brought us a new best block first. */
    Change<P> brought(P peer) {
        if (limit == 0) {
            return new Change<>(null, List.of());
        }
        boolean added = !peers.remove(peer);
        peers.addFirst(peer);
        List<P> dropped = new ArrayList<>();
        while (peers.size() > limit) {
            P leaving = leastWanted();
            peers.remove(leaving);
            dropped.add(leaving);
        }
        return new Change<>(added ? peer : null, dropped);
    }

    private P leastWanted() {
        P last = peers.getLast();
        if (!dialled.test(last) || peers.stream().filter(dialled).count() > 1) {
            return last;
        }
        Iterator<P> oldestFirst = peers.descendingIterator();
        while (oldestFirst.hasNext()) {
            P candidate = oldestFirst.next();
            if (!dialled.test(candidate)) {
                return candidate;
            }
        }
        return last;
    }

    void remove(P peer) {
        peers.remove(peer);
    }

    /** Most recent bringer first. */
    List<P> inOrder() {
        return List.copyOf(peers);
    }
}
