package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** Announces a block the sender has accepted; a receiver lacking it asks GETBLOCK. */
public record BroadcastBlockMessage(long number, String hash) implements Message {

    public BroadcastBlockMessage {
        Check.range("number", number, 0, Limits.MAX_SAFE_INTEGER);
        Check.hash("hash", hash);
    }

    @Override
    public Method method() {
        return Method.BROADCASTBLOCK;
    }
}
