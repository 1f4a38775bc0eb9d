package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;

/**
 * The node's own transactions (accepted by its REST API, or put back into its mempool at start) until a
 * block carries them or they leave the mempool, with when each was added. {@link TransactionRelay} offers
 * them again, after Bitcoin Core's wallet rebroadcast: to each peer as its handshake completes, and to
 * every peer at each {@code tallynet.relay.rebroadcast-interval} once they have waited that long. Relay
 * alone announces a transaction once, to the peers connected when it arrives; a payment accepted while
 * the node had no peer (as every one restored at start is), or whose only request went unanswered, or
 * that a peer still syncing could not place, was never offered again and stayed unconfirmed unless this
 * node mined it.
 *
 * <p>Thread-safe. Bounded: past {@link #MAX} the eldest are forgotten (only not offered again).
 */
final class OwnTransactions {
    /** More than the mempool holds by default (5,000): every own transaction it can hold fits. */
    static final int MAX = 10_000;

    /** Id to when it was added (nanoTime), eldest first. */
    private final Map<String, Long> addedAt = BoundedMaps.evictingEldest(MAX, false);
    /** Read without the lock by the hot path (every connected block), which skips its work while there are none. */
    private volatile boolean empty = true;

    synchronized void add(String id, long now) {
        addedAt.putIfAbsent(id, now);
        empty = false;
    }

    /** A block carries these, or they left the mempool: nothing more to offer. */
    void forget(Collection<String> ids) {
        if (empty) {
            return;
        }
        synchronized (this) {
            ids.forEach(addedAt::remove);
            empty = addedAt.isEmpty();
        }
    }

    /** Those added before {@code time} (nanoTime), eldest first. */
    synchronized List<String> addedBefore(long time) {
        List<String> ids = new ArrayList<>();
        addedAt.forEach((id, at) -> {
            if (at - time < 0) {
                ids.add(id);
            }
        });
        return ids;
    }

    synchronized List<String> all() {
        return new ArrayList<>(addedAt.keySet());
    }

    boolean isEmpty() {
        return empty;
    }

    synchronized int size() {
        return addedAt.size();
    }
}
