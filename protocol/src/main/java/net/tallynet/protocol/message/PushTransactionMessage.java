package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Transaction;

/** Full transactions: handed to a node by a client, or the answer to GETBLOCK {@code transactions}. */
public record PushTransactionMessage(List<Transaction> transactions) implements Message {

    public PushTransactionMessage {
        transactions = Check.list("transactions", transactions, 1, Limits.MAX_PUSHED_TRANSACTIONS);
    }

    @Override
    public Method method() {
        return Method.PUSHTRANSACTION;
    }
}
