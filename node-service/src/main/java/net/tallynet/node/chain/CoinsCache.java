package net.tallynet.node.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.ledger.Utxo;

/**
 * The unspent outputs in memory, in front of the {@code utxos} table, in the spirit of Bitcoin Core's
 * coins view cache. Blocks connect against it; what they change is kept here, dirty, and written to the
 * table in one batch by {@link ChainStore#flushCoins} (an output created and spent between two flushes
 * never reaches the table at all). Outputs read from the table are kept too, clean, and the least
 * recently used of those are dropped when there are more than the bound.
 *
 * <p>A flush need not stop blocks: {@link #beginFlush} sets the changes aside as the layer being written,
 * new changes gather above it, reads see both layers, and {@link #endFlush} folds the written layer in
 * (or, if the write failed, back under the new changes). While it is written the cache holds up to twice
 * its dirty half.
 *
 * <p>Not thread-safe by itself: {@link ChainStore} holds its monitor for every read and change, so a flush
 * sees no half-applied block.
 */
final class CoinsCache {
    /**
     * A change not yet in the table: the output, spent or not; {@code fresh}: the table never had it (so a
     * spent fresh output is simply dropped, and an unspent one inserted without a delete first).
     */
    record Dirty(Utxo utxo, boolean spent, boolean fresh) {
    }

    /** The cache's changes to one address's outputs, to lay over what the table says of it. */
    record AddressChanges(List<Utxo> spentFromTable, List<Utxo> unspentNotInTable) {
    }

    /** What the cache knows of an outpoint: unknown (null), known unspent, or known spent. */
    record Known(Optional<Utxo> utxo) {
    }

    private static final Known SPENT = new Known(Optional.empty());

    private final int maxDirty;
    private Map<Outpoint, Dirty> dirty = new HashMap<>();
    /** The changes being written to the table by a flush in progress (empty when none): under {@link #dirty}. */
    private Map<Outpoint, Dirty> flushing = Map.of();
    private final Map<Outpoint, Utxo> clean;
    /** The best block whose changes are the last applied here. */
    private String appliedTip;

    /**
     * {@code maxCoins}: outputs held at most, half of them clean, half dirty; {@link #full} says when the
     * dirty half is full and must be flushed.
     */
    CoinsCache(int maxCoins) {
        int max = Math.max(2, maxCoins);
        this.maxDirty = max / 2;
        this.clean = BoundedMaps.evictingEldest(max - maxDirty, true); // least recently used out first
    }

    /** Null when the outpoint is unknown here and must be read from the table. */
    Known get(Outpoint outpoint) {
        Dirty changed = dirty.get(outpoint);
        if (changed == null) {
            changed = flushing.get(outpoint);
        }
        if (changed != null) {
            return changed.spent() ? SPENT : new Known(Optional.of(changed.utxo()));
        }
        Utxo read = clean.get(outpoint);
        return read == null ? null : new Known(Optional.of(read));
    }

    /** An output read from the table (unspent there); ignored if a change to it is held. */
    void read(Utxo utxo) {
        Outpoint outpoint = outpointOf(utxo);
        if (!dirty.containsKey(outpoint) && !flushing.containsKey(outpoint)) {
            clean.put(outpoint, utxo);
        }
    }

    /** Applies a connected block's changes: what it spent, then what it created. */
    void connect(String blockHash, List<Utxo> spent, List<Utxo> created) {
        for (Utxo utxo : spent) {
            Outpoint outpoint = outpointOf(utxo);
            clean.remove(outpoint);
            Dirty before = dirty.get(outpoint);
            if (before != null && before.fresh()) {
                dirty.remove(outpoint); // created since the last flush began: the table never had it, nor will the flush
            } else {
                dirty.put(outpoint, new Dirty(utxo, true, false));
            }
        }
        for (Utxo utxo : created) {
            Outpoint outpoint = outpointOf(utxo);
            // fresh only if nothing is held: a spend held here may stand for a row still in the table
            boolean fresh = clean.remove(outpoint) == null && !dirty.containsKey(outpoint) && !flushing.containsKey(outpoint);
            dirty.put(outpoint, new Dirty(utxo, false, fresh));
        }
        appliedTip = blockHash;
    }

    /** Forgets what is held about these outpoints (their rows were just written to the table directly). */
    void forget(List<Outpoint> outpoints) {
        for (Outpoint outpoint : outpoints) {
            clean.remove(outpoint);
            dirty.remove(outpoint);
        }
    }

    /** Sets the changes aside as the layer being written, and returns them; new changes gather above it. */
    List<Map.Entry<Outpoint, Dirty>> beginFlush() {
        if (!flushing.isEmpty()) {
            throw new IllegalStateException("a flush is already in progress");
        }
        flushing = dirty;
        dirty = new HashMap<>();
        return new ArrayList<>(flushing.entrySet());
    }

    /**
     * The layer set aside is in the table ({@code written}): what it left unspent stays here, clean, unless
     * changed since. Or the write failed: the layer goes back under the changes made since, each outpoint's
     * newest state kept with what the table holds of it (so an output the failed write would have inserted and
     * that was spent since is simply dropped).
     */
    void endFlush(boolean written) {
        Map<Outpoint, Dirty> layer = flushing;
        layer.forEach((outpoint, change) -> {
            Dirty since = dirty.get(outpoint);
            if (written) {
                if (since == null && !change.spent()) {
                    clean.put(outpoint, change.utxo());
                }
            } else if (since == null) {
                dirty.put(outpoint, change);
            } else if (change.fresh() && since.spent()) {
                dirty.remove(outpoint);
            } else {
                dirty.put(outpoint, new Dirty(since.utxo(), since.spent(), change.fresh()));
            }
        });
        flushing = Map.of(); // last: the unflushed gauge, read without the lock, never sees the layer in neither map
    }

    /**
     * What the changes held do to {@code address}'s outputs: spent ones the table still lists, and unspent
     * ones it lacks. One pass over the changes (at most half the bound, twice that during a flush), instead of a
     * flush per wallet query. Against the table as it is before a flush in progress commits: the store commits
     * it and calls {@link #endFlush} holding the same monitor as its readers.
     */
    AddressChanges changesOf(String address) {
        List<Utxo> spent = new ArrayList<>();
        List<Utxo> unspent = new ArrayList<>();
        flushing.forEach((outpoint, written) -> {
            if (written.utxo().address().equals(address)) {
                Dirty since = dirty.get(outpoint);
                // the newest state, and whether the table (before this flush) has the row: the layer written knows
                add(since != null ? since : written, !written.fresh(), spent, unspent);
            }
        });
        dirty.forEach((outpoint, change) -> {
            if (change.utxo().address().equals(address) && !flushing.containsKey(outpoint)) {
                add(change, !change.fresh(), spent, unspent);
            }
        });
        return new AddressChanges(spent, unspent);
    }

    private static void add(Dirty change, boolean inTable, List<Utxo> spent, List<Utxo> unspent) {
        if (change.spent()) {
            if (inTable) {
                spent.add(change.utxo());
            }
        } else {
            unspent.add(change.utxo()); // not in the table, or (never in practice: ids are unique) over a spent row
        }
    }

    /** Whether the dirty half is full, {@code alsoPending} other changes to flush sharing it: flush before the next block. */
    boolean full(int alsoPending) {
        return dirty.size() + alsoPending >= maxDirty;
    }

    int dirtyCount() {
        return dirty.size();
    }

    /** Changes the table lacks, the layer being written included: read without a lock, a snapshot for a gauge. */
    int unflushed() {
        return dirty.size() + flushing.size();
    }

    String appliedTip() {
        return appliedTip;
    }

    void appliedTip(String hash) {
        this.appliedTip = hash;
    }

    void clear() {
        dirty.clear();
        flushing = Map.of();
        clean.clear();
        appliedTip = null;
    }

    static Outpoint outpointOf(Utxo utxo) {
        return new Outpoint(utxo.txId(), utxo.index());
    }
}
