package net.tallynet.tracker.dashboard;

import static net.tallynet.tracker.TrackerTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/network} against members that are JDK HTTP servers answering {@code /api/peers}:
 * links between members are learned while someone looks, and a member that answers too much or too
 * slowly just has no links.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.enabled=false",
        "tallynet.dashboard.poll-interval=200ms",
        "tallynet.dashboard.poll-timeout=500ms",
        "tallynet.dashboard.max-peers-bytes=4KB",
        "tallynet.dashboard.member-api-port-offset=" + NetworkMapTest.API_PORT_OFFSET})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkMapTest extends RunningTrackerTest {
    /** as shipped: a member's API port is its P2P port + 1000 */
    static final int API_PORT_OFFSET = 1000;
    static final String A = "aaaaaaaaaaaaaaa1";
    static final String B = "bbbbbbbbbbbbbbb2";
    static final String C = "ccccccccccccccc3";
    static final String STRANGER = "fffffffffffffff9";

    @Autowired
    JsonMapper json;
    @Autowired
    NetworkMap map;

    private PeerListServer a;
    private PeerListServer b;
    private PeerListServer c;

    @BeforeEach
    void members() throws Exception {
        members.deleteAll();
        // A knows B, someone the tracker never met, and the tracker itself (a node lists its trackers);
        // C answers with an error, so nothing says whom C is connected to
        a = PeerListServer.listing(B, STRANGER, "0123456789abcdef");
        b = PeerListServer.listing(A);
        c = PeerListServer.answering(exchange -> exchange.sendResponseHeaders(500, -1));
        TestPeer.register(port, A, p2pPort(a));
        TestPeer.register(port, B, p2pPort(b));
        TestPeer.register(port, C, p2pPort(c));
    }

    @AfterEach
    void stop() {
        List.of(a, b, c).forEach(PeerListServer::close);
    }

    @Test
    @Order(1)
    void asksMembersForTheirPeersOnlyOnceSomeoneLooksAndKeepsLinksBetweenMembers() throws Exception {
        // registered, but nobody has looked at the map yet: several poll intervals pass without a request
        Thread.sleep(700);
        assertThat(a.requests() + b.requests() + c.requests()).isZero();

        NetworkView first = network();
        assertThat(first.nodes()).extracting(NetworkView.Node::nodeId).containsExactly(A, B, C);
        assertThat(first.nodes()).allSatisfy(node -> {
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.status()).isEqualTo("active");
            assertThat(node.height()).isEqualTo(1L); // TestPeer's HELLO says blockCount 1
        });
        assertThat(first.nodes()).extracting(NetworkView.Node::port).containsExactly(p2pPort(a), p2pPort(b), p2pPort(c));

        // A-B is seen from both ends and counted once; the stranger and the tracker are not members
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(network().links()).containsExactly(new NetworkView.Link(A, B)));
        assertThat(network().polledAt()).isNotNull();
        assertThat(c.requests()).isPositive();
    }

    @Test
    @Order(2)
    void oversizedOrSlowPeerListsAreIgnoredWithoutHarm() throws Exception {
        String padding = "x".repeat(5000);
        try (PeerListServer huge = PeerListServer.answering(exchange ->
                PeerListServer.send(exchange, PeerListServer.peersJson(A).replace("tallynet-node/0.1.0", padding)));
             PeerListServer chunkedHuge = PeerListServer.answering(exchange -> {
                 exchange.sendResponseHeaders(200, 0); // no Content-Length: the cap must hold while reading
                 try (OutputStream out = exchange.getResponseBody()) {
                     out.write(PeerListServer.peersJson(A, B).replace("tallynet-node/0.1.0", padding)
                             .getBytes(StandardCharsets.UTF_8));
                 }
             });
             PeerListServer slow = PeerListServer.answering(exchange -> {
                 exchange.sendResponseHeaders(200, 0);
                 OutputStream out = exchange.getResponseBody();
                 out.write('[');
                 out.flush();
                 Thread.sleep(5_000); // far past the 500 ms allowed
                 out.write(PeerListServer.peersJson(A).substring(1).getBytes(StandardCharsets.UTF_8));
             })) {
            TestPeer.register(port, "dddddddddddddd04", p2pPort(huge));
            TestPeer.register(port, "dddddddddddddd05", p2pPort(chunkedHuge));
            TestPeer.register(port, "dddddddddddddd06", p2pPort(slow));
            network();

            // every one was asked, and a poll finished after that, the slow one cut off at the timeout
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    huge.requests() > 0 && chunkedHuge.requests() > 0 && slow.requests() > 1);
            NetworkView view = network();
            assertThat(view.nodes()).hasSize(6);
            assertThat(view.links()).containsExactly(new NetworkView.Link(A, B));

            // the map keeps answering at once while members are slow
            long start = System.nanoTime();
            network();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
        }
    }

    /**
     * The P2P port a member registers with, so that the tracker, adding its offset, asks the
     * member's peer list where {@code server} listens.
     */
    private static int p2pPort(PeerListServer server) {
        return server.port() - API_PORT_OFFSET;
    }

    private NetworkView network() {
        HttpResponse<String> response = get(apiPort, "/api/network");
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readValue(response.body(), NetworkView.class);
    }
}
