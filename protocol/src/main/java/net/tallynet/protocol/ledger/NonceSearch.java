package net.tallynet.protocol.ledger;

import java.security.DigestException;
import java.security.MessageDigest;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.crypto.Hashes;

/**
 * Proof-of-work search over one candidate block that allocates nothing per nonce: the header is
 * encoded once, only its last eight bytes (the nonce) change, and both SHA-256 passes write into
 * reused buffers. Building a {@link Block} and two hex strings per nonce, as {@link Block#withNonce}
 * does, made a miner allocate about 700 MB/s; in a small container the heap then grew to its
 * maximum under that churn and the kernel killed the process. Not thread-safe: one per miner thread.
 */
public final class NonceSearch {
    private static final int NONCE_OFFSET = CanonicalEncoding.HEADER_BYTES - Long.BYTES;

    private final Block candidate;
    private final byte[] header;
    private final byte[] target;
    private final byte[] once = new byte[32];
    private final byte[] twice = new byte[32];
    private final MessageDigest sha256 = Hashes.newSha256();
    private long nonce;

    /** Starts at the candidate's own nonce. */
    public NonceSearch(Block candidate) {
        this.candidate = candidate;
        this.header = CanonicalEncoding.header(candidate);
        this.target = Hashes.fromHex(candidate.target());
        this.nonce = candidate.nonce();
    }

    /** Mines {@code candidate} to completion: for tests and fixtures on easy targets. */
    public static Block solve(Block candidate) {
        NonceSearch search = new NonceSearch(candidate);
        Block solved;
        while ((solved = search.tryNonces(1 << 16)) == null) {
            if (search.exhausted()) {
                throw new IllegalStateException("no nonce up to 2^53 meets the target");
            }
        }
        return solved;
    }

    /**
     * Tries up to {@code tries} nonces from the next untried one; returns the solved block (the only
     * allocation), or null when none of them meets the target.
     */
    public Block tryNonces(int tries) {
        for (int i = 0; i < tries && !exhausted(); i++, nonce++) {
            writeNonce(nonce);
            if (meetsTarget(sha256d())) {
                return candidate.withNonce(nonce++);
            }
        }
        return null;
    }

    /** True once every nonce the protocol allows (up to 2^53 - 1) has been tried. */
    public boolean exhausted() {
        return nonce > Limits.MAX_SAFE_INTEGER;
    }

    private void writeNonce(long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            header[NONCE_OFFSET + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    private byte[] sha256d() {
        try {
            sha256.update(header);
            sha256.digest(once, 0, once.length);
            sha256.update(once);
            sha256.digest(twice, 0, twice.length);
            return twice;
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer always holds a SHA-256 digest", e);
        }
    }

    /** The hash read as an unsigned big-endian number is at most the target (PROTOCOL.md, the block's `target` field). */
    private boolean meetsTarget(byte[] hash) {
        for (int i = 0; i < hash.length; i++) {
            int difference = (hash[i] & 0xff) - (target[i] & 0xff);
            if (difference != 0) {
                return difference < 0;
            }
        }
        return true;
    }
}
