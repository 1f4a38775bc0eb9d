package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Transaction;

/**
 * Compact block relay (PROTOCOL.md 12.1), wire name BLOCKTXN: the answer to GETBLOCKTXN, the
 * transactions at the asked positions of the block {@code hash}, in the order asked.
 */
public record BlockTransactionsMessage(String hash, List<Transaction> transactions) implements Message {

    public BlockTransactionsMessage {
        Check.hash("hash", hash);
        transactions = Check.list("transactions", transactions, 1, Limits.MAX_BLOCK_TRANSACTIONS);
    }

    @Override
    public Method method() {
        return Method.BLOCKTXN;
    }
}
