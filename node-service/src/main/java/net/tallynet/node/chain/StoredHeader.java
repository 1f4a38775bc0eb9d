package net.tallynet.node.chain;

import java.math.BigInteger;
import net.tallynet.protocol.ledger.KnownHeader;
import net.tallynet.protocol.message.BlockRef;

/**
 * A stored block's header and cumulative work, read without its body: what checking a child against
 * its ancestors needs (median time, retarget window) and what a header list builds on. Immutable once
 * stored, so it is cached ({@link ChainStore#storedHeader}); whether it is on the best chain changes, and
 * is not here.
 */
public record StoredHeader(String hash, String previousHash, long number, long time, String target, String merkleRoot,
                           Long nonce, String chainWork, int txCount) {

    /** The header as LISTOFBLOCKS lists it. */
    public BlockRef ref() {
        return new BlockRef(number, hash, previousHash, merkleRoot, time, target, nonce);
    }

    /** The header with the chain's work up to it, as the header checks of a list build on it. */
    public KnownHeader checkedHeader() {
        return new KnownHeader(ref(), new BigInteger(chainWork, 16));
    }
}
