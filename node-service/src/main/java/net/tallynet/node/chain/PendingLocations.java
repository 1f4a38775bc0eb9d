package net.tallynet.node.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.protocol.ledger.Block;

/**
 * The transaction index of the blocks connected since the coins cache was last written: where each of
 * their transactions is, in memory, reaching the {@code transactions} table in the same batch and
 * transaction as the unspent outputs ({@link ChainStore#flushCoins}), so under the same recorded block.
 * A block of 1,000 payments wrote 1,000 index rows as it connected, a quarter of its connect when its
 * payments had been admitted first (a profile of {@code bench-connect}); Bitcoin Core writes its
 * transaction index apart from the connect too. Nothing is lost to a kill: the index follows from the
 * stored blocks, and recovery applies those after the recorded block again, locations included.
 *
 * <p>Layered as the coins cache is: {@link #beginFlush} sets the locations aside while they are written,
 * new ones gather above, reads see both. Not thread-safe by itself: {@link ChainStore} holds the coins
 * cache's monitor for every read and change.
 */
final class PendingLocations {
    /** Where a best-chain transaction is: its block and its position there. */
    record Location(String blockHash, int position) {
    }

    private Map<String, Location> pending = new HashMap<>();
    /** The locations being written by a flush in progress (empty when none). */
    private Map<String, Location> flushing = Map.of();

    /** A block joined the best chain: its transactions are located there. */
    void connect(Block block) {
        for (int i = 0; i < block.transactions().size(); i++) {
            pending.put(block.transactions().get(i).id(), new Location(block.hash(), i));
        }
    }

    /** Null: not held here, ask the table. */
    Location get(String txId) {
        Location location = pending.get(txId);
        return location != null ? location : flushing.get(txId);
    }

    /** Sets the locations aside as the layer being written, and returns them; new ones gather above it. */
    List<Map.Entry<String, Location>> beginFlush() {
        if (!flushing.isEmpty()) {
            throw new IllegalStateException("a flush is already in progress");
        }
        flushing = pending;
        pending = new HashMap<>();
        return new ArrayList<>(flushing.entrySet());
    }

    /** The layer set aside is in the table ({@code written}), or goes back under what gathered since. */
    void endFlush(boolean written) {
        Map<String, Location> layer = flushing;
        if (!written) {
            layer.forEach(pending::putIfAbsent);
        }
        flushing = Map.of(); // last: the unflushed gauge, read without a lock, never sees the layer in neither map
    }

    int size() {
        return pending.size();
    }

    /** Locations the table lacks, the layer being written included: read without a lock, a snapshot for a gauge. */
    int unflushed() {
        return pending.size() + flushing.size();
    }

    void clear() {
        pending.clear();
        flushing = Map.of();
    }
}
