package net.tallynet.node.chain;

import java.time.Duration;
import net.tallynet.protocol.ledger.ChainParams;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Chain settings of the node ({@code tallynet.chain.*}). Every member of a network must agree on the
 * consensus ones, {@code preset} and {@code targetBlockTime}; {@code maxForkDepth} is local policy.
 *
 * @param preset          {@code devnet} (laptop difficulty) or {@code easy} (trivial work, for tests)
 * @param targetBlockTime the block interval difficulty adjustment aims at (operating contract)
 * @param maxForkDepth    a side branch leaving the best chain more than this many blocks below the tip is
 *                        not stored (PROTOCOL.md 7.4): 10,000 blocks, about 14 hours at 5 s a block. It is a
 *                        finality depth: a partition longer than that no longer heals by itself, so it is
 *                        large; the work rule, not this one, is what refuses cheap branches
 * @param verifyThreads   threads checking one block's signatures at once, the receiving thread's included
 *                        (0: one per core)
 * @param verifiedCache   transactions remembered as verified at mempool admission, so a block carrying them
 *                        does not verify them again (about 150 bytes each)
 * @param cacheSize       memory for the unspent outputs and block headers kept in front of the database
 *                        ({@link CoinsCache}): 7/8 for outputs (about {@value #BYTES_PER_COIN} bytes each, half
 *                        of them changes not yet written, which the transaction index of the blocks since the
 *                        last write shares, {@link PendingLocations}), 1/8 for headers (about {@value #BYTES_PER_HEADER}
 *                        bytes each). 32 MB fits a node in 256 MB; more lets a sync write less often
 */
@ConfigurationProperties("tallynet.chain")
public record ChainProperties(@DefaultValue("devnet") String preset, @DefaultValue("5s") Duration targetBlockTime,
                              @DefaultValue("10000") int maxForkDepth, @DefaultValue("0") int verifyThreads,
                              @DefaultValue("20000") int verifiedCache, @DefaultValue("32MB") DataSize cacheSize) {
    static final int BYTES_PER_COIN = 300;
    static final int BYTES_PER_HEADER = 500;

    public ChainProperties {
        if (maxForkDepth < 1) {
            throw new IllegalArgumentException("tallynet.chain.max-fork-depth must be at least 1, was " + maxForkDepth);
        }
        if (verifyThreads < 0 || verifiedCache < 0) {
            throw new IllegalArgumentException("tallynet.chain.verify-threads and verified-cache must not be negative");
        }
        if (cacheSize.toBytes() < 1) {
            throw new IllegalArgumentException("tallynet.chain.cache-size must be positive, was " + cacheSize);
        }
    }

    /** {@link #verifyThreads}, with 0 read as one per core. */
    public int signatureThreads() {
        return verifyThreads > 0 ? verifyThreads : Runtime.getRuntime().availableProcessors();
    }

    /** How many unspent outputs {@link #cacheSize} holds (at least 2). */
    public int cachedCoins() {
        return (int) Math.max(2, Math.min(Integer.MAX_VALUE, cacheSize.toBytes() / 8 * 7 / BYTES_PER_COIN));
    }

    /** How many block headers {@link #cacheSize} holds (at least 1). */
    public int cachedHeaders() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, cacheSize.toBytes() / 8 / BYTES_PER_HEADER));
    }

    public ChainParams params() {
        ChainParams base = switch (preset) {
            case "devnet" -> ChainParams.devnet();
            case "easy" -> ChainParams.easy();
            default -> throw new IllegalArgumentException("tallynet.chain.preset must be devnet or easy, was " + preset);
        };
        return base.withTargetBlockTime(targetBlockTime);
    }
}
