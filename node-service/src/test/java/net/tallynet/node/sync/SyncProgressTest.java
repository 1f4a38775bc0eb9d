package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A new member knows from its first peer's HELLO that it is behind: its sync is reported from that moment, before
 * its first block, and no block of the sync is logged one by one (the progress lines report them), where the
 * once-a-second check let a fast sync log its first few hundred blocks a line each.
 */
@ExtendWith(OutputCaptureExtension.class)
class SyncProgressTest {
    @TempDir
    Path dir;

    @Test
    void aSyncIsReportedFromTheHandshakeAndItsBlocksAreNotLoggedOneByOne(CapturedOutput output) throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a");
            a.getBean(Miner.class).generate(300, null);
            String tip = chain(a).tip().hash();
            int mark = output.getOut().length();

            ConfigurableApplicationContext b = network.node("b", seed(a));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(chain(b).tip().hash()).isEqualTo(tip));
            await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("sync: caught up at height 300"));

            String since = output.getOut().substring(mark);
            assertThat(since).contains("sync: behind at height 0, peers show 300");
            assertThat(since).as("blocks of the sync logged one by one").doesNotContain("connected (1 transactions)");
            assertThat(b.getBean(SyncMonitor.class).syncing()).isFalse();
        }
    }
}
