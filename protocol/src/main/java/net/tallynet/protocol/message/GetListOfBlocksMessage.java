package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/**
 * Asks which blocks the sender lacks. {@code locator} holds hashes of the sender's chain, newest
 * first, at exponentially spaced heights, ending with genesis: the answer starts after the newest
 * of them that the receiver has on its best chain.
 */
public record GetListOfBlocksMessage(long number, List<String> locator) implements Message {

    public GetListOfBlocksMessage {
        Check.range("number", number, 0, Limits.MAX_SAFE_INTEGER);
        locator = Check.list("locator", locator, 1, Limits.MAX_LOCATOR_HASHES);
        locator.forEach(hash -> Check.hash("locator[]", hash));
    }

    @Override
    public Method method() {
        return Method.GETLISTOFBLOCKS;
    }
}
