package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;

/**
 * Compact block relay (PROTOCOL.md 12.1), wire name GETBLOCKTXN: the transactions at these
 * positions of a block the sender was sent as COMPACTBLOCK and could not rebuild; answered with BLOCKTXN.
 *
 * @param indexes positions in the block, strictly rising
 */
public record GetBlockTransactionsMessage(String hash, List<Integer> indexes) implements Message {

    public GetBlockTransactionsMessage {
        Check.hash("hash", hash);
        indexes = Check.list("indexes", indexes, 1, Limits.MAX_BLOCK_TRANSACTIONS);
        int previous = -1;
        for (int index : indexes) {
            Check.range("indexes[]", index, 0, Limits.MAX_BLOCK_TRANSACTIONS - 1);
            if (index <= previous) {
                throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "indexes must rise");
            }
            previous = index;
        }
    }

    @Override
    public Method method() {
        return Method.GETBLOCKTXN;
    }
}
