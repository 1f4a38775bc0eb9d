package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Transaction;

/** A transaction a COMPACTBLOCK carries whole (the coinbase at least), at its position in the block. */
public record PrefilledTransaction(int index, Transaction transaction) {

    public PrefilledTransaction {
        Check.range("index", index, 0, Limits.MAX_BLOCK_TRANSACTIONS - 1);
        Check.present("transaction", transaction);
    }
}
