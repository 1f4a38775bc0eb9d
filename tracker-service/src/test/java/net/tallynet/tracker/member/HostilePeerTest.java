package net.tallynet.tracker.member;

import static net.tallynet.tracker.TrackerTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Peers that flood or send garbage. Its own tracker: the last test bans 127.0.0.1, which every
 * test connects from.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.enabled=false",
        "tallynet.members.registration-burst=3",
        "tallynet.members.registrations-per-minute=1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class HostilePeerTest extends RunningTrackerTest {


    private final List<TestPeer> peers = new ArrayList<>();

    @AfterEach
    void disconnect() {
        peers.forEach(TestPeer::close);
    }

    @Test
    @Order(1)
    void registrationFloodFromOneHostIsRefused() {
        // the tracker closes each connection once it has answered: a flood comes on a connection each time
        for (int i = 0; i < 3; i++) {
            TestPeer member = track(TestPeer.handshaken(port, "f10000000000000" + (i + 1), 9001 + i));
            member.send(new GetAddrMessage(9001 + i));
            assertThat(member.next()).isInstanceOf(AddrMessage.class);
        }
        double before = count(meters, "tallynet.frames.rejected", "reason", "registration_flood");
        TestPeer peer = track(TestPeer.handshaken(port, "f100000000000004", 9004));
        peer.send(new GetAddrMessage(9004));
        // refused, charged and closed: the member tries again on a new connection next interval
        assertThat(peer.closeStatus(Duration.ofSeconds(5))).isEqualTo(1008);
        assertThat(peer.closeReason()).isEqualTo("registration_flood");
        // counted once the handler's refusal reaches the peer layer, which may be just after the close went out
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(count(meters, "tallynet.frames.rejected", "reason", "registration_flood")).isEqualTo(before + 1));
        assertThat(members.findByHostAndPort("127.0.0.1", 9004)).isEmpty();
        assertThat(members.count()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void malformedFramesAreRejectedByReasonChangeNothingAndEndInABan(CapturedOutput output) {
        long membersBefore = members.count();
        TestPeer hostile = track(TestPeer.connect(port, "a00000000000000a"));
        List<String> frames = List.of("nonsense", "[]", "{}", "{\"hello\":{}}", "{\"GETADDR\":[]}",
                "{\"GETADDR\":{\"port\":\"80\"}}", "{\"GETADDR\":{\"port\":1,\"port\":2}}", "{\"HEY\":{},\"HEY\":{}}",
                "{\"GETADDR\":{\"port\":99999}}");
        List<String> reasons = List.of("not_json", "not_an_object", "no_method", "unknown_method",
                "payload_not_an_object", "wrong_type", "duplicate_field", "several_methods", "out_of_range");
        List<Double> before = reasons.stream().map(r -> count(meters, "tallynet.frames.rejected", "reason", r)).toList();
        double bansBefore = meters.find("tallynet.bans").counter().count();
        // scores are per host across connections: with the registration_flood of the test before (10 points
        // for 127.0.0.1), the 9th rejection here reaches the threshold of 100 points
        frames.forEach(hostile::sendRaw);
        assertThat(hostile.closeStatus(Duration.ofSeconds(5))).isEqualTo(1008);
        assertThat(hostile.closeReason()).isEqualTo("misbehaviour:out_of_range");
        for (int i = 0; i < reasons.size(); i++) {
            assertThat(count(meters, "tallynet.frames.rejected", "reason", reasons.get(i)))
                    .as(reasons.get(i)).isGreaterThan(before.get(i));
        }
        assertThat(members.count()).isEqualTo(membersBefore);
        assertThat(meters.find("tallynet.bans").counter().count()).isEqualTo(bansBefore + 1);

        // banned: refused before the WebSocket upgrade, with 403, and logged once for the host however often it tries
        double refusedBefore = count(meters, "tallynet.connections.refused", "reason", "banned");
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> TestPeer.connect(port, "a00000000000000b"))
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        }
        assertThat(count(meters, "tallynet.connections.refused", "reason", "banned")).isEqualTo(refusedBefore + 3);
        assertThat(output.getOut().split("connection from 127.0.0.1 refused: banned", -1)).hasSize(2);
    }

    private TestPeer track(TestPeer peer) {
        peers.add(peer);
        return peer;
    }
}
