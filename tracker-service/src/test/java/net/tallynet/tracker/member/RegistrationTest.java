package net.tallynet.tracker.member;

import static net.tallynet.tracker.TrackerTestSupport.count;
import static net.tallynet.tracker.TrackerTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.Message;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Registration, ADDR and hostile frames, over real WebSockets on loopback against a running tracker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.enabled=false",
        "tallynet.members.addr-sample-size=5",
        "tallynet.members.registration-burst=1000"})
@ExtendWith(OutputCaptureExtension.class)
class RegistrationTest extends RunningTrackerTest {

    @Autowired
    MemberRegistry registry;
    @Autowired
    RegistrationSummary summary;

    private final List<TestPeer> peers = new ArrayList<>();

    @BeforeEach
    void emptyTable() {
        members.deleteAll();
        registry.reloadActive();
    }

    @AfterEach
    void disconnect() {
        peers.forEach(TestPeer::close);
    }

    @Test
    void getAddrRegistersTheRemoteHostWithTheGivenPortAndNodeId() {
        TestPeer peer = member("a1a1a1a1a1a1a1a1", 9001);
        peer.send(new GetAddrMessage(9001));
        assertThat(peer.next()).isInstanceOf(AddrMessage.class);

        Member member = members.findByHostAndPort("127.0.0.1", 9001).orElseThrow();
        assertThat(member.nodeId()).isEqualTo("a1a1a1a1a1a1a1a1");
        assertThat(member.status()).isEqualTo(MemberStatus.ACTIVE);
        assertThat(member.consecutiveFailures()).isZero();
        assertThat(member.height()).as("the blockCount of the HELLO it registered with").isEqualTo(1L);
        assertThat(member.lastChecked()).isNull();
        // answered, the registration holds no connection slot: the tracker closes, in good order
        assertThat(peer.closeStatus(Duration.ofSeconds(5))).isEqualTo(1000);
        assertThat(peer.closeReason()).isEqualTo("registered");
    }

    @Test
    void registrationsAreLoggedAsOneSummaryLineNotALinePerMember(CapturedOutput output) {
        summary.tick(); // what the class's other tests registered
        register("a2a2a2a2a2a2a2a1", 9011);
        register("a2a2a2a2a2a2a2a2", 9012);
        register("a2a2a2a2a2a2a2a1", 9011);
        summary.tick();
        assertThat(output.getOut()).contains("registrations in the last 60 s: 2 new, 1 renewed, 0 reactivated, 0 not recorded;"
                + " 2 active members");
        assertThat(output.getOut()).doesNotContain("member 127.0.0.1:9011", "established: node");
    }

    @Test
    void trackerHelloSaysTrackerWithBlockCountZero() {
        TestPeer peer = track(TestPeer.connect(port, "b1b1b1b1b1b1b1b1"));
        String devnet = Genesis.networkId("devnet");
        peer.send(new HelloMessage(1, devnet, 1, devnet, 1, 9002, "b1b1b1b1b1b1b1b1", "t/1", "node"));
        peer.next();
        HelloMessage hello = (HelloMessage) peer.next();
        assertThat(hello.role()).isEqualTo("tracker");
        assertThat(hello.blockCount()).isZero();
        assertThat(hello.network()).isEqualTo(devnet);
        assertThat(hello.bestHash()).isEqualTo(devnet);
        assertThat(hello.port()).isEqualTo(port);
    }

    @Test
    void addrIsBoundedRandomAndNeverHoldsTheRequester() {
        for (int i = 1; i <= 12; i++) {
            register(String.format("c%015d", i), 9100 + i);
        }
        Set<Set<Integer>> distinctAnswers = new HashSet<>();
        for (int round = 0; round < 6; round++) {
            TestPeer requester = member("c000000000000001".replace('c', 'd'), 9101); // each registration its own connection
            requester.send(new GetAddrMessage(9101));
            List<AddressEntry> entries = ((AddrMessage) requester.next()).addresses();
            assertThat(entries).hasSize(5);
            assertThat(entries).noneMatch(e -> e.port() == 9101);
            assertThat(entries).allMatch(e -> e.host().equals("127.0.0.1") && e.port() > 9101 && e.port() <= 9112);
            distinctAnswers.add(new HashSet<>(entries.stream().map(AddressEntry::port).toList()));
        }
        // 6 draws of 5 out of 11: the chance that all are the same set is about 1 in 10^13
        assertThat(distinctAnswers).hasSizeGreaterThan(1);
    }

    @Test
    void inactiveMembersAreNotHandedOutAndComeBackOnReRegistration() {
        register("e000000000000001", 9201);
        register("e000000000000002", 9202);
        Member second = members.findByHostAndPort("127.0.0.1", 9202).orElseThrow();
        for (int i = 0; i < 3; i++) {
            members.recordFailure(List.of(second.id()));
        }
        // what the end of a check round does
        registry.deactivate(() -> members.deactivateFailingMembers(3, java.time.Instant.now()));
        assertThat(members.findByHostAndPort("127.0.0.1", 9202).orElseThrow().status()).isEqualTo(MemberStatus.INACTIVE);

        TestPeer requester = member("e000000000000003", 9203);
        requester.send(new GetAddrMessage(9203));
        assertThat(((AddrMessage) requester.next()).addresses()).extracting(AddressEntry::port).containsExactly(9201);

        register("e000000000000002", 9202);
        assertThat(members.findByHostAndPort("127.0.0.1", 9202).orElseThrow().status()).isEqualTo(MemberStatus.ACTIVE);
        requester = member("e000000000000003", 9203);
        requester.send(new GetAddrMessage(9203));
        assertThat(((AddrMessage) requester.next()).addresses()).extracting(AddressEntry::port)
                .containsExactlyInAnyOrder(9201, 9202);
    }

    @Test
    void getAddrWithoutPortIsRejectedAndRecordsNothing() {
        double before = count(meters, "tallynet.frames.rejected", "reason", "missing_field");
        TestPeer peer = member("f000000000000001", 9301);
        peer.send(new GetAddrMessage(null));
        assertThat(peer.nextFrame(Duration.ofMillis(500))).isNull();
        assertThat(count(meters, "tallynet.frames.rejected", "reason", "missing_field")).isEqualTo(before + 1);
        assertThat(members.count()).isZero();
    }

    @Test
    void methodBeforeHandshakeClosesWithHandshakeRequired() {
        TestPeer peer = track(TestPeer.connect(port, "a00000000000000b"));
        peer.send(new GetAddrMessage(9501));
        assertThat(peer.closeStatus(Duration.ofSeconds(5))).isEqualTo(1008);
        assertThat(peer.closeReason()).isEqualTo("handshake_required");
        assertThat(members.count()).isZero();
    }

    @Test
    void peerOfAnotherNetworkIsRefused() {
        TestPeer peer = track(TestPeer.connect(port, "a00000000000000c"));
        String testnet = Genesis.networkId("testnet");
        peer.send(new HelloMessage(1, testnet, 1, testnet, 1, 9601, "a00000000000000c", "t/1", "node"));
        assertThat(peer.closeStatus(Duration.ofSeconds(5))).isEqualTo(1008);
        assertThat(peer.closeReason()).isEqualTo("wrong_network");
    }

    @Test
    void methodsTheTrackerDoesNotServeAreRejected() {
        double before = count(meters, "tallynet.frames.rejected", "reason", "unsupported_method");
        TestPeer peer = member("a00000000000000d", 9701);
        peer.send(new BroadcastBlockMessage(1, Genesis.networkId("devnet")));
        peer.send(new GetAddrMessage(9701));
        Message answer = peer.next();
        assertThat(answer).isInstanceOf(AddrMessage.class);
        assertThat(count(meters, "tallynet.frames.rejected", "reason", "unsupported_method")).isEqualTo(before + 1);
    }

    @Test
    void restViewListsMembersAndRefusesBadParameters() {
        register("a00000000000000e", 9801);
        var all = get(apiPort, "/api/members");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("\"port\":9801", "\"status\":\"active\"", "\"nodeId\":\"a00000000000000e\"");
        assertThat(get(apiPort, "/api/members?status=inactive").body()).isEqualTo("[]");
        var bad = get(apiPort, "/api/members?limit=0");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"reason\"");
        assertThat(get(apiPort, "/api/members?status=asleep").statusCode()).isEqualTo(400);
    }

    @Test
    void actuatorExposesHealthInfoAndPrometheusOnly() {
        assertThat(get(apiPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get(apiPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get(apiPort, "/actuator/info").statusCode()).isEqualTo(200);
        var prometheus = get(apiPort, "/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("tallynet_tracker_members", "tallynet_peers", "tallynet_frames_received_total");
        assertThat(get(apiPort, "/actuator/env").statusCode()).isEqualTo(404);
        assertThat(get(apiPort, "/actuator/beans").statusCode()).isEqualTo(404);
    }

    private void register(String nodeId, int listenPort) {
        TestPeer peer = member(nodeId, listenPort);
        peer.send(new GetAddrMessage(listenPort));
        assertThat(peer.next()).isInstanceOf(AddrMessage.class);
        peer.close();
    }

    private TestPeer member(String nodeId, int listenPort) {
        return track(TestPeer.handshaken(port, nodeId, listenPort));
    }

    private TestPeer track(TestPeer peer) {
        peers.add(peer);
        return peer;
    }
}
