package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.ledger.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Eight nodes in a line (each dials only the one before it). A block mined at one end reaches the
 * other; a transaction handed to a middle node reaches every mempool and is mined. Frame counts show
 * that nothing is announced twice: in a line every link carries each announcement exactly once, and
 * the block once (as COMPACTBLOCK: every node speaks compact-blocks/1, PROTOCOL.md 12.1).
 */
class LineRelayTest {
    private static final int NODES = 8;

    @TempDir
    Path dir;

    @Test
    void blocksAndTransactionsCrossALineOfEightNodesOnceOverEachLink() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            List<ConfigurableApplicationContext> line = new ArrayList<>();
            // no advertised host: no address gossip, so the line stays a line
            line.add(network.node("n0", "--tallynet.peers.max-outbound=0"));
            for (int i = 1; i < NODES; i++) {
                line.add(network.node("n" + i, seed(line.get(i - 1)), "--tallynet.peers.max-outbound=1"));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int i = 0; i < NODES; i++) {
                    int expected = i == 0 || i == NODES - 1 ? 1 : 2;
                    assertThat(line.get(i).getBean(PeerRegistry.class).established()).hasSize(expected);
                }
            });

            // a block from one end reaches the other end
            double[] announced = counts(line, "tallynet.frames.received", "BROADCASTBLOCK");
            double[] blocks = blockFrames(line);
            String mined = line.getFirst().getBean(Miner.class).generate(1, null).getFirst();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : line) {
                    assertThat(chain(node).tip().hash()).isEqualTo(mined);
                }
            });
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                double[] announcedNow = counts(line, "tallynet.frames.received", "BROADCASTBLOCK");
                double[] blocksNow = blockFrames(line);
                for (int i = 1; i < NODES; i++) {
                    assertThat(announcedNow[i] - announced[i]).as("announcements received by n%d", i).isEqualTo(1);
                    assertThat(blocksNow[i] - blocks[i]).as("blocks received by n%d", i).isEqualTo(1);
                }
                assertThat(announcedNow[0] - announced[0]).as("announcements echoed back to the miner").isZero();
            });

            // a transaction handed to a middle node reaches every mempool, over each link once
            ConfigurableApplicationContext payer = line.get(3);
            List<String> funding = payer.getBean(Miner.class).generate(2, null);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : line) {
                    assertThat(chain(node).tip().hash()).isEqualTo(funding.getLast());
                }
            });
            double[] txAnnounced = counts(line, "tallynet.frames.received", "BROADCASTTRANSACTION");
            double[] pushed = counts(line, "tallynet.frames.received", "PUSHTRANSACTION");
            Transaction payment = payer.getBean(Wallet.class).pay(line.getLast().getBean(Wallet.class).address(), 1_000, 100);
            payer.getBean(Ledger.class).acceptTransaction(payment);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : line) {
                    assertThat(node.getBean(Mempool.class).find(payment.id())).isPresent();
                }
            });
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                double[] txAnnouncedNow = counts(line, "tallynet.frames.received", "BROADCASTTRANSACTION");
                double[] pushedNow = counts(line, "tallynet.frames.received", "PUSHTRANSACTION");
                for (int i = 0; i < NODES; i++) {
                    if (i != 3) {
                        assertThat(txAnnouncedNow[i] - txAnnounced[i]).as("tx announcements at n%d", i).isEqualTo(1);
                        assertThat(pushedNow[i] - pushed[i]).as("tx pushes at n%d", i).isEqualTo(1);
                    } else {
                        assertThat(txAnnouncedNow[i] - txAnnounced[i]).as("announcements echoed to the source").isZero();
                    }
                }
            });
            double suppressed = 0;
            for (ConfigurableApplicationContext node : line) {
                suppressed += count(node, "tallynet.announcements.suppressed", "kind", "transaction");
            }
            assertThat(suppressed).as("peers that sent the id were not sent it back").isPositive();

            // mined at the far end; every node accepts the block and empties its mempool
            String block = line.getLast().getBean(Miner.class).generate(1, null).getFirst();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : line) {
                    assertThat(chain(node).tip().hash()).isEqualTo(block);
                    assertThat(node.getBean(Mempool.class).size()).isZero();
                }
            });
        }
    }

    /** Blocks received in any form, whole (BLOCK) or compact (COMPACTBLOCK), per node. */
    private static double[] blockFrames(List<ConfigurableApplicationContext> line) {
        double[] whole = counts(line, "tallynet.frames.received", "BLOCK");
        double[] compact = counts(line, "tallynet.frames.received", "COMPACTBLOCK");
        for (int i = 0; i < whole.length; i++) {
            whole[i] += compact[i];
        }
        return whole;
    }

    private static double[] counts(List<ConfigurableApplicationContext> nodes, String name, String method) {
        double[] counts = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            counts[i] = count(nodes.get(i), name, "method", method);
        }
        return counts;
    }
}
