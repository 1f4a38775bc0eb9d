package net.tallynet.tracker.member;

import static net.tallynet.tracker.TrackerTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.tracker.FakeMembers;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Pageable;

/**
 * More members than inbound connection slots (issue 19): 2,000 simulated members, twice the tracker's
 * 1,024 inbound slots, register, each on its own connection that it never closes itself. The tracker
 * closes each once it has answered, so none is refused for lack of a slot; all are active, and every one
 * is checked within each interval.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.interval=3s",
        "tallynet.checks.initial-delay=100ms",
        "tallynet.checks.jitter=0",
        "tallynet.members.registration-burst=5000",
        "tallynet.members.max-per-host=5000",
        "tallynet.members.max-per-prefix=5000",
        "tallynet.peers.max-inbound=1024"})
class ManyMembersTest extends RunningTrackerTest {
    private static final int MEMBERS = 2000;

    @Test
    void twiceAsManyMembersAsSlotsAreAllActiveAndCheckedEachInterval() throws Exception {
        double refusedBefore = count(meters, "tallynet.connections.refused", "reason", "too_many_peers")
                + count(meters, "tallynet.connections.closed", "reason", "too_many_peers");
        List<TestPeer> kept = new ArrayList<>();
        try (FakeMembers fake = new FakeMembers(MEMBERS);
             ExecutorService registering = Executors.newFixedThreadPool(8)) {
            List<Future<TestPeer>> registrations = new ArrayList<>();
            for (int listenPort : fake.ports()) {
                registrations.add(registering.submit(() -> {
                    // registers and keeps the connection, as a node that never closes it would
                    TestPeer peer = TestPeer.handshaken(port, String.format("ab%014x", listenPort), listenPort);
                    peer.send(new GetAddrMessage(listenPort));
                    assertThat(peer.next()).isInstanceOf(AddrMessage.class);
                    return peer;
                }));
            }
            for (Future<TestPeer> registration : registrations) {
                kept.add(registration.get());
            }
            assertThat(members.countByStatus(MemberStatus.ACTIVE.name())).isEqualTo(MEMBERS);
            assertThat(count(meters, "tallynet.connections.refused", "reason", "too_many_peers")
                    + count(meters, "tallynet.connections.closed", "reason", "too_many_peers"))
                    .as("no member refused a slot").isEqualTo(refusedBefore);
            assertThat(kept).allSatisfy(peer -> assertThat(peer.closeStatus(Duration.ofSeconds(5))).isEqualTo(1000));
            assertThat(meters.find("tallynet.tracker.members").tag("status", "active").gauge().value())
                    .as("the live gauge").isEqualTo(MEMBERS);

            // two intervals on, every member has been checked within the last interval (and a timeout)
            Instant registered = Instant.now();
            Thread.sleep(Duration.ofSeconds(6));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Instant recent = Instant.now().minus(Duration.ofSeconds(3 + 5));
                List<Member> all = members.findAllByOrderByIdAsc(Pageable.ofSize(MEMBERS + 10));
                assertThat(all).hasSize(MEMBERS).allSatisfy(member -> {
                    assertThat(member.status()).isEqualTo(MemberStatus.ACTIVE);
                    assertThat(member.lastChecked()).isAfter(registered).isAfter(recent);
                    assertThat(member.consecutiveFailures()).isZero();
                });
            });
            assertThat(fake.hellosAnswered()).isGreaterThanOrEqualTo(2L * MEMBERS);
        } finally {
            kept.forEach(TestPeer::close);
        }
    }
}
