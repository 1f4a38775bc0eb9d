package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;
import org.springframework.stereotype.Component;

/**
 * The node's own transactions (accepted by its REST API, or put back into its mempool at start) that no
 * peer has asked for yet, with when each was added: Bitcoin Core's unbroadcast set. One is done with once
 * the node answers a peer's request for it ({@link GetBlockHandler}), a peer announces it, a block carries
 * it, or it leaves the mempool. Until then {@link TransactionRelay} announces it again, to every peer on
 * that peer's own random timer, about each {@code tallynet.relay.rebroadcast-interval}. Relay alone
 * announces a transaction once, to the peers connected when it arrives: a payment accepted while the node
 * had no peer (as every one restored at start is), or whose announcement nobody took up, stayed in this
 * node's mempool, unconfirmed unless this node mined it.
 *
 * <p>Thread-safe. Bounded: past {@link #MAX} the eldest are forgotten (only not announced again).
 */
@Component
class UnbroadcastTransactions {
    /** More than the mempool holds by default (5,000). */
    static final int MAX = 10_000;

    /** Id to when it was added (nanoTime), eldest first. */
    private final Map<String, Long> addedAt = BoundedMaps.evictingEldest(MAX, false);
    /** Read without the lock by the hot paths (every block, announcement and answer), which skip their work while there are none. */
    private volatile boolean empty = true;

    synchronized void add(String id, long now) {
        addedAt.putIfAbsent(id, now);
        empty = false;
    }

    /** Done with these: a peer asked for or announced them, a block carries them, or they left the mempool. */
    void forget(Collection<String> ids) {
        if (empty) {
            return;
        }
        synchronized (this) {
            ids.forEach(addedAt::remove);
            empty = addedAt.isEmpty();
        }
    }

    boolean contains(String id) {
        if (empty) {
            return false;
        }
        synchronized (this) {
            return addedAt.containsKey(id);
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

    boolean isEmpty() {
        return empty;
    }

    synchronized int size() {
        return addedAt.size();
    }
}
