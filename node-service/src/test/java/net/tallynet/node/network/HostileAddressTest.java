package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * ADDR from hostile peers (security review items 6 and 24): a malformed host is a rejected frame,
 * host names from peers are never learned (names are dialled only from configuration), and one
 * address that cannot be dialled never stops the node dialling the others.
 */
class HostileAddressTest {
    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() {
        network = new TestNetwork(dir);
        node = network.node("target", "--tallynet.peers.max-outbound=0");
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aHostWithAColonThatIsNoIpv6LiteralIsRejectedAndCharged() throws Exception {
        double before = count(node, "tallynet.frames.rejected", "reason", "out_of_range");
        int known = node.getBean(AddressBook.class).size();
        try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.41", "0000000000000041")) {
            peer.sendText("{\"ADDR\":{\"addresses\":[{\"host\":\"a:b\",\"port\":8081,\"lastSeen\":0}]}}");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(count(node, "tallynet.frames.rejected", "reason", "out_of_range") - before).isEqualTo(1));
            assertThat(session("0000000000000041").misbehaviour()).isEqualTo(10);
        }
        assertThat(node.getBean(AddressBook.class).size()).isEqualTo(known);
    }

    @Test
    void hostNamesFromPeersAreDroppedUnchargedAndIpLiteralsLearned() throws Exception {
        double before = count(node, "tallynet.addresses.dropped", "reason", "not_an_ip_literal");
        long now = System.currentTimeMillis();
        try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.42", "0000000000000042")) {
            peer.send(new AddrMessage(List.of(new AddressEntry("metadata.internal", 80, now),
                    new AddressEntry("localhost", 8081, now), new AddressEntry("127.1", 8081, now),
                    new AddressEntry("127.0.4.1", 8081, now), new AddressEntry("::1", 8082, now))));
            peer.send(new GetAddrMessage(null)); // answered after the ADDR was handled
            peer.expect(AddrMessage.class);
            assertThat(session("0000000000000042").misbehaviour()).isZero();
        }
        List<String> book = node.getBean(AddressBook.class).addresses();
        assertThat(book).contains("127.0.4.1:8081", "0:0:0:0:0:0:0:1:8082")
                .noneMatch(a -> a.startsWith("metadata") || a.startsWith("localhost") || a.startsWith("127.1:"));
        assertThat(count(node, "tallynet.addresses.dropped", "reason", "not_an_ip_literal") - before).isEqualTo(3);
    }

    @Test
    void anAddressThatCannotBeDialledDoesNotStopTheOthers() {
        // the first seed is no URI at all; before, it aborted every round of dialling before the second
        ConfigurableApplicationContext dialler = network.node("dialler",
                "--tallynet.peers.seeds=bad host:1,127.0.0.1:" + port(node));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(dialler.getBean(PeerRegistry.class).established())
                        .anySatisfy(peer -> assertThat(peer.remoteHello().nodeId())
                                .isEqualTo(node.getBean(NodeIdentity.class).nodeId())));
        network.stop(dialler);
    }

    private static PeerSession session(String nodeId) {
        return node.getBean(PeerRegistry.class).established().stream()
                .filter(p -> p.remoteHello().nodeId().equals(nodeId)).findFirst().orElseThrow();
    }
}
