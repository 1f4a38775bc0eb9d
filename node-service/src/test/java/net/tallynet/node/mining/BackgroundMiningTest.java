package net.tallynet.node.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeApplication;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.ledger.ChainParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** With tallynet.mining.enabled the node mines on its own, to its wallet, and stops when it shuts down. */
class BackgroundMiningTest {
    @TempDir
    Path dataDir;

    @Test
    void enabledMinerExtendsTheChainToTheWallet() {
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(NodeApplication.class).run(
                "--server.port=0", "--tallynet.data-dir=" + dataDir, "--tallynet.chain.preset=easy",
                "--tallynet.mining.enabled=true", "--tallynet.mining.threads=2")) {
            Chain chain = node.getBean(Chain.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> chain.tip().number() >= 5);
            Miner miner = node.getBean(Miner.class);
            assertThat(miner.isRunning()).isTrue();
            node.getBean(Miner.class).stop();
            long height = chain.tip().number();
            assertThat(node.getBean(Wallet.class).balance()).isEqualTo(height * ChainParams.easy().blockReward());
        }
    }
}
