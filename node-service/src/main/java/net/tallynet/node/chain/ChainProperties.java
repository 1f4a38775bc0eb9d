package net.tallynet.node.chain;

import java.time.Duration;
import net.tallynet.protocol.ledger.ChainParams;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
 */
@ConfigurationProperties("tallynet.chain")
public record ChainProperties(@DefaultValue("devnet") String preset, @DefaultValue("5s") Duration targetBlockTime,
                              @DefaultValue("10000") int maxForkDepth, @DefaultValue("0") int verifyThreads,
                              @DefaultValue("20000") int verifiedCache) {

    public ChainProperties {
        if (maxForkDepth < 1) {
            throw new IllegalArgumentException("tallynet.chain.max-fork-depth must be at least 1, was " + maxForkDepth);
        }
        if (verifyThreads < 0 || verifiedCache < 0) {
            throw new IllegalArgumentException("tallynet.chain.verify-threads and verified-cache must not be negative");
        }
    }

    /** {@link #verifyThreads}, with 0 read as one per core. */
    public int signatureThreads() {
        return verifyThreads > 0 ? verifyThreads : Runtime.getRuntime().availableProcessors();
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
