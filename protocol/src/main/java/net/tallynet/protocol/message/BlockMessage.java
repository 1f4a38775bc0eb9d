package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.ledger.Block;

/** A full block: the answer to GETBLOCK by hash or number. */
public record BlockMessage(Block block) implements Message {

    public BlockMessage {
        Check.present("block", block);
    }

    @Override
    public Method method() {
        return Method.BLOCK;
    }
}
