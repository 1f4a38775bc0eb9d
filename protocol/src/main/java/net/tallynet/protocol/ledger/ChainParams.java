package net.tallynet.protocol.ledger;

import java.time.Duration;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/**
 * Consensus settings: every member of a network must use the same ones (the genesis block, and so
 * HELLO's network id, derives from the network name alone, not from these).
 *
 * @param targetBlockTime     the block interval difficulty adjustment aims at
 * @param retargetInterval    blocks between difficulty adjustments; 0 never adjusts (tests)
 * @param initialTarget       the target of block 1 until the first adjustment (genesis needs no work)
 * @param maxTarget           the easiest target an adjustment may reach
 * @param blockReward         units a block's coinbase may claim besides fees, before halvings
 * @param halvingInterval     blocks after which the reward halves; 0 never halves
 * @param coinbaseMaturity    blocks a coinbase output waits before it can be spent
 * @param maxBlockBytes       largest canonical block encoding (header and full transactions)
 * @param maxFutureDrift      how far ahead of the receiver's clock a block's time may be
 * @param medianTimeSpan      blocks whose median time a new block's time must exceed
 */
public record ChainParams(Duration targetBlockTime, long retargetInterval, String initialTarget, String maxTarget,
                          long blockReward, long halvingInterval, long coinbaseMaturity, int maxBlockBytes,
                          Duration maxFutureDrift, int medianTimeSpan) {

    public ChainParams {
        Check.hash("initialTarget", initialTarget);
        Check.hash("maxTarget", maxTarget);
        Check.range("blockReward", blockReward, 0, Limits.MAX_MONEY);
        if (targetBlockTime.isNegative() || targetBlockTime.isZero() || retargetInterval < 0 || halvingInterval < 0
                || coinbaseMaturity < 0 || maxBlockBytes < 1000 || medianTimeSpan < 1
                || initialTarget.compareTo(maxTarget) > 0) {
            throw new IllegalArgumentException("inconsistent chain parameters");
        }
    }

    /**
     * A laptop network: one Java mining thread hashes about 1.5 million headers/s (HashingBenchmark),
     * so 2^233 as the first target gives a block every 5 to 6 s; adjustment every 20 blocks keeps it near 5 s.
     */
    public static ChainParams devnet() {
        Duration blockTime = Duration.ofSeconds(5);
        return new ChainParams(blockTime, 20, "0000020000000000000000000000000000000000000000000000000000000000",
                "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 5_000_000_000L, 210_000, 10,
                1_000_000, blockTime.multipliedBy(FUTURE_DRIFT_BLOCKS), 11);
    }

    /**
     * On a network that adjusts difficulty, a block's time may run this many target block times ahead of the
     * receiver's clock (15 s on devnet): far below the 20-block window, so a time pushed to the limit eases the
     * next target by 15% at most. Two minutes, as before, was more than the whole window: one block at +120 s
     * eased the next target 2.2x (review item 16). Clocks kept by NTP, or shared by containers, are far closer.
     */
    static final int FUTURE_DRIFT_BLOCKS = 3;

    /** Trivial work and no adjustment: every other hash is a block. For tests and benchmarks. */
    public static ChainParams easy() {
        return new ChainParams(Duration.ofSeconds(1), 0, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 5_000_000_000L, 0, 2,
                1_000_000, Duration.ofMinutes(2), 11);
    }

    /** These parameters with another block time; the future drift scales with it where difficulty adjusts. */
    public ChainParams withTargetBlockTime(Duration time) {
        Duration drift = retargetInterval > 0 ? time.multipliedBy(FUTURE_DRIFT_BLOCKS) : maxFutureDrift;
        return new ChainParams(time, retargetInterval, initialTarget, maxTarget, blockReward, halvingInterval,
                coinbaseMaturity, maxBlockBytes, drift, medianTimeSpan);
    }

    /** The reward of block {@code number}: halved every halvingInterval blocks, 0 after 63 halvings. */
    public long rewardAt(long number) {
        if (halvingInterval == 0) {
            return blockReward;
        }
        long halvings = number / halvingInterval;
        return halvings >= 63 ? 0 : blockReward >> halvings;
    }
}
