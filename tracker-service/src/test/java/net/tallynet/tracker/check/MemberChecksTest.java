package net.tallynet.tracker.check;

import static net.tallynet.tracker.TrackerTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.tracker.FakeMembers;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import net.tallynet.tracker.member.Member;
import net.tallynet.tracker.member.MemberStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The scheduled checks against real listening members: answering ones stay active, silent and
 * unreachable ones become inactive after max-failures rounds, and come back by registering again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.interval=300ms",
        "tallynet.checks.initial-delay=100ms",
        "tallynet.checks.timeout=500ms",
        "tallynet.checks.max-failures=3"})
class MemberChecksTest extends RunningTrackerTest {
    static FakeMembers fake;

    @BeforeAll
    static void startMembers() throws Exception {
        fake = new FakeMembers(4);
    }

    @AfterAll
    static void stopMembers() throws Exception {
        fake.close();
    }


    @Test
    void silentAndUnreachableMembersBecomeInactiveAfterThreeChecksAndComeBackOnReRegistration() throws Exception {
        List<Integer> ports = fake.ports();
        int answering1 = ports.get(0);
        int answering2 = ports.get(1);
        int silent = ports.get(2);
        int down = ports.get(3);
        for (int i = 0; i < ports.size(); i++) {
            register("c0c0c0c0c0c0c0c" + i, ports.get(i));
        }
        fake.mode(silent, FakeMembers.Mode.SILENT);
        fake.down(down);
        fake.height(answering1, 42);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(status(silent)).isEqualTo(MemberStatus.INACTIVE);
            assertThat(status(down)).isEqualTo(MemberStatus.INACTIVE);
        });
        assertThat(member(silent).consecutiveFailures()).isGreaterThanOrEqualTo(3);
        assertThat(status(answering1)).isEqualTo(MemberStatus.ACTIVE);
        assertThat(status(answering2)).isEqualTo(MemberStatus.ACTIVE);
        assertThat(member(answering1).consecutiveFailures()).isZero();
        assertThat(member(answering1).lastSeen()).isAfter(member(answering1).firstSeen());
        // the member's HELLO after its HEY gives its height; every check, passed or failed, its time
        assertThat(member(answering1).height()).isEqualTo(42L);
        assertThat(member(answering1).lastChecked()).isAfter(member(answering1).firstSeen());
        assertThat(member(silent).lastChecked()).isAfter(member(silent).firstSeen());
        assertThat(fake.hellosAnswered()).isGreaterThanOrEqualTo(6);
        assertThat(count(meters, "tallynet.tracker.checks", "outcome", "ok")).isGreaterThanOrEqualTo(6);
        assertThat(count(meters, "tallynet.tracker.checks", "outcome", "timeout")).isGreaterThanOrEqualTo(3);
        assertThat(count(meters, "tallynet.tracker.checks", "outcome", "unreachable")).isGreaterThanOrEqualTo(3);
        assertThat(meters.find("tallynet.tracker.check").timer().count()).isGreaterThanOrEqualTo(12);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(meters.find("tallynet.tracker.members").tag("status", "inactive").gauge().value()).isEqualTo(2));

        // an inactive member is no longer handed out...
        try (TestPeer answering = TestPeer.handshaken(port, "c0c0c0c0c0c0c0c0", answering1)) {
            answering.send(new GetAddrMessage(answering1));
            List<AddressEntry> handedOut = ((AddrMessage) answering.next()).addresses();
            assertThat(handedOut).extracting(AddressEntry::port).containsExactly(answering2);
            // the rounds' passed checks are what ADDR says of it: seen after it registered (the rounds renew its
            // entry in the index; nothing reloads the index here)
            assertThat(handedOut.getFirst().lastSeen()).isGreaterThan(member(answering2).firstSeen().toEpochMilli());
        }
        // ...until it registers again; and answering again keeps it active
        fake.mode(silent, FakeMembers.Mode.ANSWER);
        register("c0c0c0c0c0c0c0c2", silent);
        assertThat(status(silent)).isEqualTo(MemberStatus.ACTIVE);
        Thread.sleep(1500); // several more rounds
        assertThat(status(silent)).isEqualTo(MemberStatus.ACTIVE);
        assertThat(status(down)).isEqualTo(MemberStatus.INACTIVE);
    }

    private void register(String nodeId, int listenPort) {
        try (TestPeer peer = TestPeer.handshaken(port, nodeId, listenPort)) {
            peer.send(new GetAddrMessage(listenPort));
            assertThat(peer.next()).isInstanceOf(AddrMessage.class);
        }
    }

    private Member member(int listenPort) {
        return members.findByHostAndPort("127.0.0.1", listenPort).orElseThrow();
    }

    private MemberStatus status(int listenPort) {
        return member(listenPort).status();
    }
}
