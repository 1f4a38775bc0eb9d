package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whoever fills the inbound slots first must not keep every newcomer out: with all slots taken, a
 * newcomer gets one by evicting the least useful inbound peer (a young connection from the most
 * crowded netgroup), while a peer that gave the node a new block keeps its slot (PROTOCOL.md 9).
 */
class FullInboundSlotsTest {
    @TempDir
    Path dir;

    @Test
    void aNewcomerEvictsTheYoungestOfTheCrowdNotThePeerThatBroughtABlock() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("full", "--tallynet.peers.max-inbound=4",
                    "--tallynet.peers.ping-timeout=60s");
            int port = TestNetwork.port(node);
            List<RawPeer> open = new ArrayList<>();
            try {
                // a useful peer from 127.9/16: it is ahead, and gives the node a new block
                Block genesis = node.getBean(ChainStore.class).block(TestNetwork.chain(node).tip().hash()).orElseThrow();
                Block block = TestBlocks.block(genesis, new byte[32], List.of());
                RawPeer useful = RawPeer.handshaken(port, "127.9.0.1", "0000000000000901", 2, block.hash());
                open.add(useful);
                useful.expect(GetListOfBlocksMessage.class);
                useful.send(new ListOfBlocksMessage(List.of(BlockRef.of(block))));
                useful.expect(GetBlockMessage.class);
                useful.send(new BlockMessage(block));
                await().atMost(Duration.ofSeconds(5)).until(() -> TestNetwork.chain(node).tip().number() == 1);

                // three idle connections from one netgroup fill the other slots
                List<RawPeer> crowd = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    RawPeer idle = RawPeer.handshaken(port, "127.0.5." + i, "000000000000050" + i);
                    crowd.add(idle);
                    open.add(idle);
                }
                double evictedBefore = TestNetwork.count(node, "tallynet.connections.closed", "reason", "evicted");

                RawPeer newcomer = RawPeer.handshaken(port, "127.7.0.1", "0000000000000701"); // 503 before the fix
                open.add(newcomer);
                newcomer.send(GetBlockMessage.byNumber(1));
                assertThat(newcomer.expect(BlockMessage.class).block().hash()).isEqualTo(block.hash());

                RawPeer.Frame close = crowd.getLast().awaitClose(Duration.ofSeconds(5));
                assertThat(close).as("the youngest of the crowd").isNotNull();
                assertThat(close.closeReason()).isEqualTo("evicted");
                assertThat(TestNetwork.count(node, "tallynet.connections.closed", "reason", "evicted") - evictedBefore)
                        .isEqualTo(1);
                for (RawPeer kept : List.of(useful, crowd.get(0), crowd.get(1))) {
                    kept.send(GetBlockMessage.byNumber(0));
                    assertThat(kept.next(BlockMessage.class, Duration.ofSeconds(5))).as("still connected").isNotNull();
                }
            } finally {
                for (RawPeer peer : open) {
                    peer.close();
                }
            }
        }
    }

    @Test
    void whenEveryPeerIsProtectedTheNewcomerIsRefusedBeforeTheUpgrade() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("protected", "--tallynet.peers.max-inbound=2");
            int port = TestNetwork.port(node);
            // one peer from each of two netgroups: both are kept for their netgroup
            try (RawPeer a = RawPeer.handshaken(port, "127.1.0.1", "0000000000000a01");
                 RawPeer b = RawPeer.handshaken(port, "127.2.0.1", "0000000000000b01")) {
                double refused = TestNetwork.count(node, "tallynet.connections.refused", "reason", "too_many_peers");
                assertThatThrownBy(() -> new RawPeer(port, "127.3.0.1")).isInstanceOf(IOException.class)
                        .hasMessageContaining("503");
                assertThat(TestNetwork.count(node, "tallynet.connections.refused", "reason", "too_many_peers") - refused)
                        .isEqualTo(1);
            }
        }
    }
}
