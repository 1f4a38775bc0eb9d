package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A block the node accepts after its HELLO and before the peer's HEY is relayed to established peers only:
 * the peer in the handshake hears of it when the handshake completes (PROTOCOL.md 7.4 step 1), or it would
 * wait for the next block (what made RejoinWithoutTrackerTest miss three blocks once in CI).
 */
class TipDuringHandshakeTest {
    @TempDir
    Path dir;

    @Test
    void aTipFoundDuringTheHandshakeIsAnnouncedOnceItCompletes() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n");
            RawPeer peer = new RawPeer(TestNetwork.port(node), "127.0.0.41");
            String genesis = Genesis.networkId("devnet"); // the network id is the genesis hash
            peer.send(new HelloMessage(1, genesis, 1, genesis, System.currentTimeMillis(), 0, "00000000000000a1", "raw-peer/1", "node", null));
            peer.expect(HeyMessage.class);
            HelloMessage told = peer.expect(HelloMessage.class);
            List<Block> found = TestBlocks.connectEmpty(node, Ed25519Keys.newSecretKey(), 2); // the peer is not yet established
            assertThat(told.blockCount()).isEqualTo(1);

            peer.send(new HeyMessage("00000000000000a1"));

            BroadcastBlockMessage announced = peer.next(BroadcastBlockMessage.class, Duration.ofSeconds(10));
            assertThat(announced).isEqualTo(new BroadcastBlockMessage(2, found.getLast().hash()));
            peer.close();
        }
    }

    @Test
    void aTipTheHelloNamedIsNotAnnouncedAgain() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n");
            TestBlocks.connectEmpty(node, Ed25519Keys.newSecretKey(), 2);
            try (RawPeer peer = RawPeer.handshaken(TestNetwork.port(node), "127.0.0.42", "00000000000000a2")) {
                peer.roundTrip(); // the handshake's effects are done once GETBLOCK is answered
                assertThat(peer.next(BroadcastBlockMessage.class, Duration.ofSeconds(2))).isNull();
            }
        }
    }
}
