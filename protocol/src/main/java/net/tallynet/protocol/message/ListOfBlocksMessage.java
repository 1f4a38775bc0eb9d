package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** The answer to GETLISTOFBLOCKS: the blocks after the fork point, in chain order. May be empty. */
public record ListOfBlocksMessage(List<BlockRef> blocks) implements Message {

    public ListOfBlocksMessage {
        blocks = Check.list("blocks", blocks, 0, Limits.MAX_LIST_OF_BLOCKS);
    }

    @Override
    public Method method() {
        return Method.LISTOFBLOCKS;
    }
}
