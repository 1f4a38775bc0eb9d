package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Transaction announcements at Poisson times (PROTOCOL.md 7.5): after a quiet spell, longer than the mean,
 * a new transaction still waits a random time before it is announced; it does not go out at the next
 * tick because the timer came due while nothing was waiting (which would tell a spy who saw it first).
 */
class PoissonRelayTest {
    @TempDir
    Path dir;

    @Test
    void theFirstTransactionAfterAQuietSpellWaitsItsRandomTurn() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            // a mean of 10 minutes: the announcement comes within half a second once in about 1,200 runs
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.relay.inbound-interval=10m");
            node.getBean(Miner.class).generate(3, null);
            try (RawPeer spy = RawPeer.handshaken(port(node), "127.0.0.91", "0000000000000091")) {
                Thread.sleep(1500); // quiet: the inbound timer would have come due by now if it ran regardless
                Wallet wallet = node.getBean(Wallet.class);
                Transaction payment = wallet.pay(wallet.address(), 1_000, 1_000);
                node.getBean(Ledger.class).acceptTransaction(payment);
                long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
                while (System.nanoTime() < deadline) {
                    RawPeer.Frame frame = spy.next(Duration.ofMillis(50));
                    if (frame != null && frame.opcode() == 1) {
                        Message message = RawPeer.decode(frame);
                        assertThat(message).as("announced at once after the quiet spell")
                                .isNotInstanceOf(BroadcastTransactionMessage.class);
                    }
                }
            }
        }
    }
}
