package net.tallynet.node.wallet;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A payment the node's API accepted, carried by a block that a reorganisation then takes off the best chain,
 * goes back into the mempool and stays stored: a restart still has it. Before, it was forgotten at the first
 * block that carried it, and a restart after the reorganisation lost it.
 */
class ReorganisedPaymentTest {
    private static final String ALONE = "--tallynet.peers.max-outbound=0";

    @TempDir
    Path dir;

    @Test
    void aPaymentWhoseBlockIsReorganisedAwaySurvivesARestart() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext payer = network.node("payer", ALONE);
            payer.getBean(Miner.class).generate(2, null);
            ConfigurableApplicationContext rival = network.node("rival", seed(payer), "--tallynet.peers.max-outbound=1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(chain(rival).tip().hash()).isEqualTo(chain(payer).tip().hash()));
            network.stop(rival);

            // the payer's block #3 carries the payment; the rival, apart, mines #3 and #4 without it
            Transaction payment = payer.getBean(Wallet.class).pay(TestBlocks.address(Ed25519Keys.newSecretKey()), 1_000, 100);
            payer.getBean(Ledger.class).acceptTransaction(payment);
            payer.getBean(Miner.class).generate(1, null);
            assertThat(payer.getBean(Mempool.class).find(payment.id())).as("carried by #3").isEmpty();
            ConfigurableApplicationContext apart = network.node("rival", ALONE);
            String rivalTip = apart.getBean(Miner.class).generate(2, null).getLast();
            network.stop(apart);

            // they meet: the payer switches to the rival's longer branch, and the payment is pending again
            ConfigurableApplicationContext met = network.node("rival", seed(payer), "--tallynet.peers.max-outbound=1");
            // the tip shows before the mempool has followed the move: both awaited
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(chain(payer).tip().hash()).isEqualTo(rivalTip);
                assertThat(payer.getBean(Mempool.class).find(payment.id())).isPresent();
            });
            network.stop(met);

            network.stop(payer);
            ConfigurableApplicationContext restarted = network.node("payer", ALONE);
            assertThat(chain(restarted).tip().hash()).isEqualTo(rivalTip);
            assertThat(restarted.getBean(Mempool.class).find(payment.id())).as("restored after the restart").isPresent();

            // carried again, it is kept until its block is buried, then forgotten
            LocalTransactionRepository rows = restarted.getBean(LocalTransactionRepository.class);
            restarted.getBean(Miner.class).generate(LocalTransactions.FORGET_DEPTH, null);
            assertThat(rows.existsById(payment.id())).as("%d blocks deep", LocalTransactions.FORGET_DEPTH - 1).isTrue();
            restarted.getBean(Miner.class).generate(1, null);
            assertThat(rows.existsById(payment.id())).isFalse();
        }
    }
}
