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
        assertThat(Difficulty.expectedTarget(1, "f".repeat(64), 0, devnet)).isEqualTo(devnet.initialTarget());
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        assertThat(Difficulty.expectedTarget(21, parent, 1, devnet)).isEqualTo(parent);
    }

    @Test
    void retargetScalesByTheRealTimespan() {
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        // twice as slow as wanted: target doubles (easier)
        assertThat(Difficulty.expectedTarget(40, parent, 2 * interval, devnet))
                .isEqualTo("0000020000000000000000000000000000000000000000000000000000000000");
        // twice as fast: target halves
        assertThat(Difficulty.expectedTarget(40, parent, interval / 2, devnet))
                .isEqualTo("0000008000000000000000000000000000000000000000000000000000000000");
    }

    @Test
    void retargetIsClampedToFourTimesAndTheMaximum() {
        String parent = "0000010000000000000000000000000000000000000000000000000000000000";
        assertThat(Difficulty.expectedTarget(40, parent, 100 * interval, devnet))
                .isEqualTo("0000040000000000000000000000000000000000000000000000000000000000");
        assertThat(Difficulty.expectedTarget(40, parent, 1, devnet))
                .isEqualTo("0000004000000000000000000000000000000000000000000000000000000000");
        assertThat(Difficulty.expectedTarget(40, devnet.maxTarget(), 4 * interval, devnet)).isEqualTo(devnet.maxTarget());
    }

    @Test
    void rewardHalves() {
        assertThat(devnet.rewardAt(1)).isEqualTo(5_000_000_000L);
        assertThat(devnet.rewardAt(210_000)).isEqualTo(2_500_000_000L);
        assertThat(devnet.rewardAt(210_000L * 64)).isZero();
    }
}
