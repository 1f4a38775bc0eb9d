package net.tallynet.node.sync;

import java.util.Map;
import java.util.Set;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.ledger.ValidationReason;

/**
 * Transactions refused since the best chain last changed (Bitcoin Core's {@code recentRejects}): one
 * refused again, announced or pushed by anyone, is neither fetched nor checked again, so re-sending
 * an invalid transaction costs the node a map lookup. Forgotten whenever a block connects, since a
 * new tip can make a refused transaction valid (a coinbase matures, a conflict leaves the pool).
 */
final class RecentRejects {
    /**
     * Not remembered by {@link #add}: an unknown input may be a parent that simply has not arrived yet and can enter
     * the pool without any block (caching it would refuse the child for a whole block interval); and
     * with a bad id the id is the sender's claim, which would let anyone blacklist another's transaction.
     */
    private static final Set<ValidationReason> FORGOTTEN = Set.of(ValidationReason.UNKNOWN_INPUT,
            ValidationReason.BAD_TRANSACTION_ID);

    private final Map<String, ValidationReason> rejected;
    private long epoch;

    RecentRejects(int capacity) {
        this.rejected = BoundedMaps.evictingEldest(capacity, false);
    }

    /** The chain state a check is about to run against: pass it back to {@link #add}. */
    synchronized long epoch() {
        return epoch;
    }

    synchronized void chainChanged() {
        epoch++;
        rejected.clear();
    }

    /** Remembers that {@code id} broke {@code reason}, unless the chain moved since {@code checkedIn} (the verdict may be stale). */
    synchronized void add(String id, ValidationReason reason, long checkedIn) {
        if (checkedIn == epoch && !FORGOTTEN.contains(reason)) {
            rejected.put(id, reason);
        }
    }

    /**
     * Remembers an {@code unknown_input} refusal whose missing output no transaction can bring while the chain
     * stays as it is (its parent is on the best chain, or pooled without that output), unless the chain moved
     * since {@code checkedIn}. The id was checked, so it is not a claim.
     */
    synchronized void addSettled(String id, long checkedIn) {
        if (checkedIn == epoch) {
            rejected.put(id, ValidationReason.UNKNOWN_INPUT);
        }
    }

    /** Why {@code id} was refused since the last block, or null. */
    synchronized ValidationReason find(String id) {
        return rejected.get(id);
    }
}
