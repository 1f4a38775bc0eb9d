package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** Announces transaction ids the sender has accepted; a receiver asks for unknown ones with GETBLOCK. */
public record BroadcastTransactionMessage(List<String> ids) implements Message {

    public BroadcastTransactionMessage {
        ids = Check.list("ids", ids, 1, Limits.MAX_ANNOUNCED_TRANSACTIONS);
        ids.forEach(id -> Check.hash("ids[]", id));
    }

    @Override
    public Method method() {
        return Method.BROADCASTTRANSACTION;
    }
}
