package org.h2.mvstore.tx;

import org.h2.value.VersionedValue;

/**
 * Test access to H2's marked (uncommitted) entries, whose constructor is package-private: the store tests
 * write one as a chunk written mid-commit leaves it, to see the node start on such a store.
 */
public final class UncommittedEntries {
    private UncommittedEntries() {
    }

    /** An entry written by transaction {@code transactionId} (operation 0 of its log), over no committed value. */
    public static <T> VersionedValue<T> insertedBy(int transactionId, T value) {
        return VersionedValueUncommitted.getInstance((long) transactionId << 40, value, null);
    }
}
