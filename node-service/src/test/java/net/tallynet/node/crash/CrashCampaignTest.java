package net.tallynet.node.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash campaign ({@link CrashCampaign}) in the test command: 10 kills. {@code ./tallynet crash-test N}
 * runs N with the tally printed ({@code -Dtallynet.crash.kills}, {@code -Dtallynet.crash.seed}).
 */
class CrashCampaignTest {
    private static final int KILLS = Integer.getInteger("tallynet.crash.kills", 10);
    private static final long SEED = Long.getLong("tallynet.crash.seed", System.nanoTime());

    /** Kept when the campaign fails: the victim's logs and H2 files are what says why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void nothingReportedIsLostToAKill() throws Exception {
        System.out.println("crash campaign seed " + SEED + " (-Dtallynet.crash.seed to repeat its timings), data in "
                + dir + " (kept if it fails)");
        CrashCampaign.Tally tally = new CrashCampaign(dir, SEED).run(KILLS);
        System.out.println(tally);
        assertThat(tally.kills()).isEqualTo(KILLS);
        assertThat(tally.miningKills()).isPositive();
        assertThat(tally.syncKills()).isPositive();
        assertThat(tally.reportedBlocksChecked()).isEqualTo(KILLS);
        // the outputs' recovery ran for real: some kill came between two batches of the unspent outputs
        assertThat(tally.restartsThatAppliedCoins()).isPositive();
        assertThat(tally.finalHeight()).isPositive();
    }
}
