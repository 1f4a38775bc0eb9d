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
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A peer lists the real chain but never answers GETBLOCK. The syncing node moves its requests to
 * an honest peer after the fetch timeout, finishes the sync, and drops the staller once it has
 * stalled three times in a row.
 */
class StalledPeerTest {
    @TempDir
    Path dir;

    @Test
    void requestsToAStalledPeerGoToAnotherAndTheStallerIsDropped() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext honest = network.node("honest", "--tallynet.peers.max-outbound=0");
            honest.getBean(Miner.class).generate(300, null);
            ChainStore chain = honest.getBean(ChainStore.class);
            String tip = chain(honest).tip().hash();
            ConfigurableApplicationContext syncing = network.node("syncing", "--tallynet.peers.max-outbound=0",
                    "--tallynet.sync.fetch-timeout=1s", "--tallynet.sync.fetch-window=8");

            try (RawPeer staller = new RawPeer(port(syncing), "127.0.0.21")) {
                String networkId = Genesis.networkId("devnet");
                staller.send(new HelloMessage(1, networkId, 301, tip, System.currentTimeMillis(), 0, "00000000000000ff",
                        "staller/1", "node"));
                staller.expect(HeyMessage.class);
                staller.expect(HelloMessage.class);
                staller.send(new HeyMessage(null));
                staller.expect(GetListOfBlocksMessage.class);
                staller.send(new ListOfBlocksMessage(chain.mainChainRefs(1, 300)));
                assertThat(staller.expect(GetBlockMessage.class).hash()).isEqualTo(chain.mainChainAt(1).orElseThrow().hash());

                syncing.getBean(PeerConnector.class).connect(URI.create("ws://127.0.0.1:" + port(honest) + "/p2p")).get();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(chain(syncing).tip().hash()).isEqualTo(tip));
                assertThat(count(syncing, "tallynet.fetch.rerequests", "cause", "stalled")).isPositive();

                // it announces blocks it never serves (real headers, no bodies); each time its requests time out, a stall in a row
                List<BlockRef> fake = TestBlocks.headers(chain(syncing).tip().ref(), 50);
                staller.send(new BroadcastBlockMessage(fake.getLast().number(), fake.getLast().hash()));
                // headers first: the hash alone fetches nothing, it brings a request for headers (after any
                // GETBLOCK the sync above still had queued for the staller)
                assertThat(staller.next(GetListOfBlocksMessage.class, Duration.ofSeconds(10))).isNotNull();
                staller.send(new ListOfBlocksMessage(fake));
                RawPeer.Frame close = staller.awaitClose(Duration.ofSeconds(15));
                assertThat(close).isNotNull();
                assertThat(close.closeReason()).isEqualTo("stalled");
            }
        }
    }
}
