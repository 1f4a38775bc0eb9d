package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whom a node dials (security review item 13): outbound peers span netgroups, anchors are redialled
 * first after a restart, and a feeler moves an address that answers from new to tried without keeping
 * it as a peer; a node told to dial only its seeds dials nothing else. Loopback addresses express netgroups: 127.a.b.c is in 127.a.
 */
class OutboundPeersTest {
    private static final String ONE_PER_NETGROUP = "--tallynet.peers.max-outbound-per-netgroup=1";

    @TempDir
    Path dir;

    @Test
    void outboundPeersAreInDifferentNetgroups() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            // two members in netgroup 127.0, one in 127.3
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext b = network.node("b", "--tallynet.peers.max-outbound=0",
                    "--server.address=127.0.0.2");
            ConfigurableApplicationContext c = network.node("c", "--tallynet.peers.max-outbound=0",
                    "--server.address=127.3.0.1");
            ConfigurableApplicationContext x = network.node("x", ONE_PER_NETGROUP);
            tell(x, "127.0.0.51", new AddressEntry("127.0.0.1", port(a), now()),
                    new AddressEntry("127.0.0.2", port(b), now()), new AddressEntry("127.3.0.1", port(c), now()));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(outbound(x)).hasSize(2));
            // later rounds (every 300 ms) still never add the second member of 127.0
            Thread.sleep(3000);
            List<String> hosts = outbound(x).stream().map(PeerSession::remoteHost).toList();
            assertThat(hosts).hasSize(2).contains("127.3.0.1").containsAnyOf("127.0.0.1", "127.0.0.2");
        }
    }

    @Test
    void anchorsAreRedialledFirstAfterARestart() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext b = network.node("b", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext x = network.node("x",
                    "--tallynet.peers.seeds=127.0.0.1:" + port(a) + ",127.0.0.1:" + port(b));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(x.getBean(AddressBook.class).anchors())
                            .containsExactlyInAnyOrder("127.0.0.1:" + port(a), "127.0.0.1:" + port(b)));
            Path key = dir.resolve("x").resolve(AddressBook.KEY_FILE);
            String keyBefore = Files.readString(key);
            network.stop(x);

            // no seeds, no tracker, nothing in the book: only the anchors tell it whom to dial
            ConfigurableApplicationContext restarted = network.node("x");
            assertThat(restarted.getBean(AddressBook.class).size()).isZero();
            assertThat(Files.readString(key)).as("the tables' key is kept: addresses land where they were").isEqualTo(keyBefore);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(outbound(restarted)).extracting(peer -> peer.remoteHello().port())
                            .containsExactlyInAnyOrder(port(a), port(b)));
        }
    }

    @Test
    void aFeelerPromotesAnAddressThatAnswersAndDoesNotKeepIt() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext c = network.node("c", "--tallynet.peers.max-outbound=0");
            // its one outbound slot is taken by the seed: only a feeler can reach c
            ConfigurableApplicationContext x = network.node("x", "--tallynet.peers.max-outbound=1",
                    "--tallynet.peers.seeds=127.0.0.1:" + port(a), "--tallynet.peers.feeler-interval=500ms");
            String addressOfC = "127.0.0.1:" + port(c);
            tell(x, "127.0.0.52", new AddressEntry("127.0.0.1", port(c), now()));
            assertThat(x.getBean(AddressBook.class).contains(addressOfC)).isTrue();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(x.getBean(AddressBook.class).isTried(addressOfC)).isTrue());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(outbound(x)).extracting(peer -> peer.remoteHello().port()).containsExactly(port(a)));
        }
    }

    @Test
    void aSeedsOnlyNodeDialsItsSeedsAndNothingItHearsOf() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext c = network.node("c", "--tallynet.peers.max-outbound=0");
            // free slots, frequent feelers, a known address: only seeds-only keeps it from dialling c
            ConfigurableApplicationContext x = network.node("x", "--tallynet.peers.seeds-only=true",
                    "--tallynet.peers.seeds=127.0.0.1:" + port(a), "--tallynet.peers.feeler-interval=300ms");
            tell(x, "127.0.0.53", new AddressEntry("127.0.0.1", port(c), now()));
            assertThat(x.getBean(AddressBook.class).contains("127.0.0.1:" + port(c))).isTrue();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(outbound(x)).extracting(peer -> peer.remoteHello().port()).containsExactly(port(a)));
            Thread.sleep(3000); // ten connect rounds and feeler chances
            assertThat(outbound(x)).extracting(peer -> peer.remoteHello().port()).containsExactly(port(a));
            assertThat(x.getBean(AddressBook.class).isTried("127.0.0.1:" + port(c))).as("no feeler reached c").isFalse();
            assertThat(c.getBean(PeerRegistry.class).established()).as("c was never dialled").isEmpty();
        }
    }

    /** An inbound peer at {@code from} sends these addresses; returns once they are handled. */
    private static void tell(ConfigurableApplicationContext node, String from, AddressEntry... entries) throws Exception {
        try (RawPeer peer = RawPeer.handshaken(port(node), from, "00000000000000" + from.substring(from.length() - 2))) {
            peer.send(new AddrMessage(List.of(entries)));
            peer.send(new GetAddrMessage(null)); // answered after the ADDR was handled
            peer.expect(AddrMessage.class);
        }
    }

    private static List<PeerSession> outbound(ConfigurableApplicationContext node) {
        return node.getBean(PeerRegistry.class).established().stream()
                .filter(peer -> peer.connection().direction() == Direction.OUTBOUND).toList();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
