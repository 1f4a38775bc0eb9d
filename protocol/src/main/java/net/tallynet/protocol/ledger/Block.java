package net.tallynet.protocol.ledger;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/**
 * A block as it travels: the header fields, the header's hash, and the transactions (the first is
 * the coinbase). Receivers recompute {@code hash} and the merkle root; the sent values are claims.
 *
 * @param target proof-of-work target: the header hash read as a 256-bit unsigned number must not exceed it
 */
public record Block(long number, String hash, String previousHash, String merkleRoot, long time, String target,
                    long nonce, List<Transaction> transactions) {

    public Block {
        Check.header(number, hash, previousHash, merkleRoot, time, target, nonce);
        transactions = Check.list("transactions", transactions, 1, Limits.MAX_BLOCK_TRANSACTIONS);
    }

    /** The same block with another nonce and the hash that goes with it (what a miner tries). */
    public Block withNonce(long newNonce) {
        String newHash = CanonicalEncoding.blockHash(number, previousHash, merkleRoot, time, target, newNonce);
        return new Block(number, newHash, previousHash, merkleRoot, time, target, newNonce, transactions);
    }

    /** Builds a block whose hash and merkle root are computed from its contents. */
    public static Block of(long number, String previousHash, long time, String target, long nonce,
                           List<Transaction> transactions) {
        String merkleRoot = CanonicalEncoding.merkleRootOf(transactions);
        String hash = CanonicalEncoding.blockHash(number, previousHash, merkleRoot, time, target, nonce);
        return new Block(number, hash, previousHash, merkleRoot, time, target, nonce, transactions);
    }
}
