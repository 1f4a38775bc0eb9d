package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.network.PeerConnector;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Headers pre-sync (PROTOCOL.md 7.7), between two real nodes on separate branches from genesis, both
 * longer than one list. The heavier branch's first list has less work than the lighter node's tip:
 * the lighter node counts the heavier branch's headers without asking for a body, sees it reach more
 * work than its tip, then fetches it from the fork, once, and reorganises. The heavier node asks for
 * none of the lighter branch.
 */
class HeadersPresyncTest {
    private static final int LIGHT = Limits.MAX_LIST_OF_BLOCKS + 30;
    private static final int HEAVY = Limits.MAX_LIST_OF_BLOCKS + 40;

    @TempDir
    Path dir;

    @Test
    void aHeavierBranchIsFetchedOnlyAfterItsHeadersOutweighTheTip() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext light = network.node("light", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext heavy = network.node("heavy", "--tallynet.peers.max-outbound=0");
            light.getBean(Miner.class).generate(LIGHT, null);
            heavy.getBean(Miner.class).generate(HEAVY, null);
            String heavyTip = chain(heavy).tip().hash();
            String lightTip = chain(light).tip().hash();

            light.getBean(PeerConnector.class).connect(URI.create("ws://127.0.0.1:" + port(heavy) + "/p2p")).get();
            await().atMost(Duration.ofSeconds(240)).untilAsserted(() ->
                    assertThat(chain(light).tip().hash()).isEqualTo(heavyTip));

            // the first full list was counted, not fetched; then the branch was fetched once, from the fork
            assertThat(count(light, "tallynet.headers", "outcome", "presync"))
                    .isGreaterThanOrEqualTo(Limits.MAX_LIST_OF_BLOCKS);
            assertThat(count(light, "tallynet.frames.received", "method", "BLOCK")).isEqualTo(HEAVY);
            assertThat(count(light, "tallynet.reorgs")).isEqualTo(1);
            assertThat(TestNetwork.utxoSet(light)).isEqualTo(TestNetwork.utxoSet(heavy));

            // the heavy node fetched none of the light branch
            assertThat(count(heavy, "tallynet.frames.received", "method", "BLOCK")).isZero();
            assertThat(heavy.getBean(ChainStore.class).storedHeader(lightTip)).isEmpty();
            assertThat(chain(heavy).tip().hash()).isEqualTo(heavyTip);
        }
    }

    @Test
    void aPeerFeedingAnEndlessLighterBranchIsLeftAfterTheBoundNotFollowedForEver() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            // the bound at one list, so a branch lighter than the tip over two full lists reaches it
            ConfigurableApplicationContext node = network.node("node", "--tallynet.peers.max-outbound=0",
                    "--tallynet.sync.max-presync-lists=1", "--tallynet.peers.ping-timeout=60s");
            node.getBean(Miner.class).generate(2 * Limits.MAX_LIST_OF_BLOCKS + 10, null);
            String tip = chain(node).tip().hash();
            BlockRef genesis = node.getBean(ChainStore.class).mainChainAt(0).orElseThrow().ref();
            List<BlockRef> branch = TestBlocks.headers(genesis, 2 * Limits.MAX_LIST_OF_BLOCKS); // real work, less of it
            double presync = count(node, "tallynet.headers", "outcome", "presync");
            double lowWork = count(node, "tallynet.headers", "outcome", "low_work");
            double bans = count(node, "tallynet.bans");

            try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.4.1", "0000000000000401", 100_000,
                    String.format("%064x", 401))) {
                peer.expect(GetListOfBlocksMessage.class);
                peer.send(new ListOfBlocksMessage(branch.subList(0, Limits.MAX_LIST_OF_BLOCKS)));
                GetListOfBlocksMessage next = peer.expect(GetListOfBlocksMessage.class); // counted: the next list
                assertThat(next.locator().getFirst()).isEqualTo(branch.get(Limits.MAX_LIST_OF_BLOCKS - 1).hash());
                peer.send(new ListOfBlocksMessage(branch.subList(Limits.MAX_LIST_OF_BLOCKS, branch.size())));

                await().atMost(Duration.ofSeconds(10)).until(() ->
                        count(node, "tallynet.headers", "outcome", "low_work") - lowWork == Limits.MAX_LIST_OF_BLOCKS);
                assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(2)))
                        .as("past the bound, nothing more is asked for the branch").isNull();
                assertThat(count(node, "tallynet.headers", "outcome", "presync") - presync)
                        .isEqualTo(Limits.MAX_LIST_OF_BLOCKS);
                peer.send(GetBlockMessage.byNumber(0));
                assertThat(peer.next(BlockMessage.class, Duration.ofSeconds(5)))
                        .as("a lighter branch is not misbehaviour: still connected").isNotNull();
            }
            assertThat(count(node, "tallynet.bans")).isEqualTo(bans);
            assertThat(count(node, "tallynet.frames.sent", "method", "GETBLOCK")).as("no body asked for").isZero();
            assertThat(node.getBean(ChainStore.class).storedHeader(branch.getFirst().hash())).isEmpty();
            assertThat(chain(node).tip().hash()).isEqualTo(tip);
        }
    }
}
