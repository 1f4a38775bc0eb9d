package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;

/**
 * One entry of LISTOFBLOCKS: the block's header, not its transactions (PROTOCOL.md 7.3). The header
 * is what the hash commits to, so a receiver checks the hash, the proof of work, the target and the
 * time of every entry, and the work of the chain they make, before it asks for a single body
 * (headers first, PROTOCOL.md 7.7).
 */
public record BlockRef(long number, String hash, String previousHash, String merkleRoot, long time, String target,
                       long nonce) {

    public BlockRef {
        Check.header(number, hash, previousHash, merkleRoot, time, target, nonce);
    }

    public static BlockRef of(Block block) {
        return new BlockRef(block.number(), block.hash(), block.previousHash(), block.merkleRoot(), block.time(),
                block.target(), block.nonce());
    }

    /** The hash these header fields give; an honest entry's {@link #hash()} equals it. */
    public String computedHash() {
        return CanonicalEncoding.blockHash(number, previousHash, merkleRoot, time, target, nonce);
    }
}
