package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** One entry of LISTOFBLOCKS: enough to fetch the block and place it, not the block itself. */
public record BlockRef(long number, String hash, String previousHash) {

    public BlockRef {
        Check.range("number", number, 0, Limits.MAX_SAFE_INTEGER);
        Check.hash("hash", hash);
        Check.hash("previousHash", previousHash);
    }
}
