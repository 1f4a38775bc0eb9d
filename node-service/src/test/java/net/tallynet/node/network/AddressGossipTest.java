package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Address gossip without a tracker (PROTOCOL.md 7.6): a node's own address reaches a node two hops away
 * (by GETADDR or relay), which then dials it; a new address is relayed on; GETADDR is answered from the book; a flood of addresses is cut by
 * the per-peer rate limit without being charged.
 */
class AddressGossipTest {
    @TempDir
    Path dir;

    @Test
    void ownAddressesSpreadByRelayAndNewcomersDialThem() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            String[] gossip = {"--tallynet.advertised-host=127.0.0.1", "--tallynet.peers.advertise-interval=300ms"};
            ConfigurableApplicationContext a = network.node("a", gossip);
            ConfigurableApplicationContext b = network.node("b", gossip[0], gossip[1], seed(a));
            ConfigurableApplicationContext c = network.node("c", gossip[0], gossip[1], seed(b));
            // c only knew b; a's address reached it through b (b's answer to c's GETADDR, or b's relay of a's
            // own ADDR, whichever came first), and c dialled a
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(c.getBean(AddressBook.class).addresses()).contains("127.0.0.1:" + port(a));
                assertThat(c.getBean(PeerRegistry.class).established())
                        .anySatisfy(peer -> assertThat(peer.remoteHello().port()).isEqualTo(port(a)));
            });
            // an address new to b, in a small ADDR, is relayed on to RELAY_FANOUT random node peers of b other than
            // its source: every one of them is a session with a or c (b may hold two with one of them for a moment,
            // or a feeler), so one of the two hears of it; asking it of c alone failed now and then. The address is
            // in another netgroup (127.7) than the nodes' own (127.0): in 127.0 it went to the one new-table bucket
            // every loopback address from a loopback source goes to, where its keyed slot could be one b already
            // held (2 or 3 of 64 slots), and b then keeps the holder and does not learn it (AddressTables.add)
            double relayed = count(b, "tallynet.addresses.relayed");
            try (RawPeer peer = RawPeer.handshaken(port(b), "127.0.0.33", "0000000000000033")) {
                peer.send(new AddrMessage(List.of(new AddressEntry("127.7.7.7", 9777, System.currentTimeMillis()))));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.of(a, c)).anySatisfy(node ->
                        assertThat(node.getBean(AddressBook.class).addresses()).contains("127.7.7.7:9777")));
            }
            assertThat(count(b, "tallynet.addresses.relayed")).isGreaterThan(relayed);
        }
    }

    @Test
    void getAddrIsAnsweredAndAnAddressFloodIsCutNotCharged() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0");
            try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.31", "0000000000000031")) {
                List<AddressEntry> many = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    // across 250 netgroups (127.a): one netgroup from one source would fill a single bucket
                    many.add(new AddressEntry("127." + (i % 250) + ".1.1", 10_000 + i, System.currentTimeMillis()));
                }
                peer.send(new AddrMessage(many));
                List<AddressEntry> more = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    more.add(new AddressEntry("127." + (i % 250) + ".2.1", 20_000 + i, System.currentTimeMillis()));
                }
                peer.send(new AddrMessage(more));
                peer.send(new GetAddrMessage(null));
                AddrMessage answer = peer.expect(AddrMessage.class);
                assertThat(answer.addresses()).hasSize(GetAddrHandler.SAMPLE);
                assertThat(answer.addresses()).allSatisfy(entry -> assertThat(entry.host()).startsWith("127."));
                // the first 1000 fit the burst, and as many as one source's share of the new table takes are kept;
                // almost all of the second 1000 are dropped unread
                int known = node.getBean(AddressBook.class).size();
                assertThat(known).isBetween(GetAddrHandler.SAMPLE,
                        AddressTables.NEW_BUCKETS_PER_SOURCE_GROUP * AddressTables.BUCKET_SIZE);
                assertThat(count(node, "tallynet.addresses.dropped", "reason", "rate_limited")).isGreaterThanOrEqualTo(900);
                assertThat(node.getBean(PeerRegistry.class).established()).hasSize(1); // still connected
            }
        }
    }
}
