package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DifficultyTest {
    private final ChainParams devnet = ChainParams.devnet();
    private final long interval = devnet.retargetInterval() * devnet.targetBlockTime().toMillis();

    @Test
    void hashMeetsTargetWhenNotAbove() {
        String target = "00000f" + "f".repeat(58);
        assertThat(Difficulty.meetsTarget("00000f" + "f".repeat(58), target)).isTrue();
        assertThat(Difficulty.meetsTarget("000001" + "0".repeat(58), target)).isTrue();
        assertThat(Difficulty.meetsTarget("000010" + "0".repeat(58), target)).isFalse();
    }

    @Test
    void harderTargetsCarryMoreWork() {
        assertThat(Difficulty.work("f".repeat(64))).isEqualTo(BigInteger.ONE);
        assertThat(Difficulty.work("7" + "f".repeat(63))).isEqualTo(BigInteger.TWO);
        // 2^256 / (2^233 + 1), rounded down
        assertThat(Difficulty.work(devnet.initialTarget())).isEqualTo(BigInteger.ONE.shiftLeft(23).subtract(BigInteger.ONE));
        assertThat(Difficulty.work(devnet.initialTarget())).isGreaterThan(Difficulty.work(devnet.maxTarget()));
    }

    @Test
    void firstBlockUsesTheInitialTargetAndOthersCarryTheParentsOn() {
        assertThat(Difficulty.expectedTarget(1, "f".repeat(64), 0, 20, devnet)).isEqualTo(devnet.initialTarget());
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        assertThat(Difficulty.expectedTarget(21, parent, 1, 20, devnet)).isEqualTo(parent);
    }

    @Test
    void retargetScalesByTheRealTimespan() {
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        // twice as slow as wanted: target doubles (easier)
        assertThat(Difficulty.expectedTarget(40, parent, 2 * interval, 20, devnet))
                .isEqualTo("0000020000000000000000000000000000000000000000000000000000000000");
        // twice as fast: target halves
        assertThat(Difficulty.expectedTarget(40, parent, interval / 2, 20, devnet))
                .isEqualTo("0000008000000000000000000000000000000000000000000000000000000000");
    }

    @Test
    void retargetIsClampedToFourTimesAndTheMaximum() {
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        assertThat(Difficulty.expectedTarget(40, parent, 100 * interval, 20, devnet))
                .isEqualTo("0000040000000000000000000000000000000000000000000000000000000000");
        assertThat(Difficulty.expectedTarget(40, parent, 1, 20, devnet))
                .isEqualTo("0000004000000000000000000000000000000000000000000000000000000000");
        assertThat(Difficulty.expectedTarget(40, devnet.maxTarget(), 4 * interval, 20, devnet)).isEqualTo(devnet.maxTarget());
    }

    /**
     * Review item 16: each window measures the retarget interval's worth of block intervals, from where the
     * last one ended (the first, which may not use genesis, fewer); before, it measured 19 of 20, and the
     * interval across the boundary counted in no window.
     */
    @Test
    void windowsMeasureTheWholeIntervalAndBeginWhereTheLastEnded() {
        assertThat(Difficulty.windowIntervals(20, devnet)).isEqualTo(18); // blocks 1 to 19: genesis never counts
        assertThat(Difficulty.windowIntervals(40, devnet)).isEqualTo(20); // blocks 19 to 39
        assertThat(Difficulty.windowIntervals(60, devnet)).isEqualTo(20); // blocks 39 to 59
        assertThat(BlockValidator.contextDepth(40, devnet)).isEqualTo(21);
        assertThat(BlockValidator.contextDepth(41, devnet)).isEqualTo(devnet.medianTimeSpan());
    }

    /** Review item 16: the future drift is far below the retarget window (100 s on devnet), and scales with it. */
    @Test
    void theFutureDriftIsASmallPartOfTheRetargetWindow() {
        assertThat(devnet.maxFutureDrift()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(devnet.withTargetBlockTime(java.time.Duration.ofSeconds(1)).maxFutureDrift())
                .isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(ChainParams.easy().maxFutureDrift()).as("no adjustment, nothing to ease").isEqualTo(java.time.Duration.ofMinutes(2));
    }

    @Test
    void rewardHalves() {
        assertThat(devnet.rewardAt(1)).isEqualTo(5_000_000_000L);
        assertThat(devnet.rewardAt(210_000)).isEqualTo(2_500_000_000L);
        assertThat(devnet.rewardAt(210_000L * 64)).isZero();
    }
}
