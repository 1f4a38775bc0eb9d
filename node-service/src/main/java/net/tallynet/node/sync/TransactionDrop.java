package net.tallynet.node.sync;

import java.util.Locale;

/** Why a pushed transaction was dropped unchecked: the label of {@code tallynet_transactions_dropped_total}. */
enum TransactionDrop {
    /** The peer's signature budget ran out: this and the rest of its push are not checked. */
    OVER_BUDGET,
    /** Refused since the last block (the reject cache): not checked again. */
    RECENTLY_REJECTED;

    private final String label = name().toLowerCase(Locale.ROOT);

    String label() {
        return label;
    }
}
