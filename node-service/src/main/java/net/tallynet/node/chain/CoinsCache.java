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
 * <p>Not thread-safe by itself: {@link ChainStore} holds its monitor for every read and change, and for
 * the whole of a flush, so a flush sees no half-applied block.
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
    private final Map<Outpoint, Dirty> dirty = new HashMap<>();
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
        if (changed != null) {
            return changed.spent() ? SPENT : new Known(Optional.of(changed.utxo()));
        }
        Utxo read = clean.get(outpoint);
        return read == null ? null : new Known(Optional.of(read));
    }

    /** An output read from the table (unspent there); ignored if a change to it is held. */
    void read(Utxo utxo) {
        Outpoint outpoint = outpointOf(utxo);
        if (!dirty.containsKey(outpoint)) {
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
                dirty.remove(outpoint); // created since the last flush: the table never had it
            } else {
                dirty.put(outpoint, new Dirty(utxo, true, false));
            }
        }
        for (Utxo utxo : created) {
            Outpoint outpoint = outpointOf(utxo);
            // fresh only if nothing is held: a spend held here may stand for a row still in the table
            boolean fresh = clean.remove(outpoint) == null && !dirty.containsKey(outpoint);
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

    /** The changes to write, in no particular order. */
    List<Map.Entry<Outpoint, Dirty>> changes() {
        return new ArrayList<>(dirty.entrySet());
    }

    /** The changes are in the table now: outputs still unspent stay here, clean. */
    void flushed() {
        dirty.forEach((outpoint, change) -> {
            if (!change.spent()) {
                clean.put(outpoint, change.utxo());
            }
        });
        dirty.clear();
    }

    /**
     * What the changes held do to {@code address}'s outputs: spent ones the table still lists, and unspent
     * ones it lacks. One pass over the changes (at most half the bound), instead of a flush per wallet query.
     */
    AddressChanges changesOf(String address) {
        List<Utxo> spent = new ArrayList<>();
        List<Utxo> unspent = new ArrayList<>();
        for (Dirty change : dirty.values()) {
            if (change.utxo().address().equals(address)) {
                if (change.spent()) {
                    spent.add(change.utxo()); // not fresh: the table has it
                } else {
                    unspent.add(change.utxo()); // fresh, or (never in practice: ids are unique) over a spent row
                }
            }
        }
        return new AddressChanges(spent, unspent);
    }

    /** Whether the dirty half is full: flush before the next block. */
    boolean full() {
        return dirty.size() >= maxDirty;
    }

    int dirtyCount() {
        return dirty.size();
    }

    String appliedTip() {
        return appliedTip;
    }

    void appliedTip(String hash) {
        this.appliedTip = hash;
    }

    void clear() {
        dirty.clear();
        clean.clear();
        appliedTip = null;
    }

    static Outpoint outpointOf(Utxo utxo) {
        return new Outpoint(utxo.txId(), utxo.index());
    }
}
