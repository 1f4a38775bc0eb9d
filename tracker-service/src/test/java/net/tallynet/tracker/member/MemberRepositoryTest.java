package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;

/** The member queries on their own: sampling, batched check results, deactivation and clean-up. */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
class MemberRepositoryTest {
    @Autowired
    MemberRepository members;

    private final Instant now = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void activeMembersLeaveOutInactiveOnes() {
        List<Member> saved = members.saveAll(List.of(
                new Member("127.0.0.1", 1, "0000000000000001", 1L, now), new Member("127.0.0.1", 2, "0000000000000002", 1L, now),
                new Member("127.0.0.1", 3, "0000000000000003", 1L, now), new Member("127.0.0.2", 1, "0000000000000004", 1L, now)));
        markInactive(saved.get(2));

        assertThat(members.activeMembers()).extracting(ActiveMembers.ActiveMember::host, ActiveMembers.ActiveMember::port)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 1),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1", 2), org.assertj.core.groups.Tuple.tuple("127.0.0.2", 1));
    }

    @Test
    void failuresAccumulateUntilDeactivationAndSuccessResetsThem() {
        Member flaky = members.save(new Member("127.0.0.1", 10, "000000000000000a", 1L, now));
        Member steady = members.save(new Member("127.0.0.1", 11, "000000000000000b", 1L, now));
        members.recordFailure(List.of(flaky.id(), steady.id()));
        members.recordSuccess(List.of(steady.id()), now.plusSeconds(30));
        members.recordFailure(List.of(flaky.id()));
        assertThat(members.deactivateFailing(3, now)).isZero();
        members.recordFailure(List.of(flaky.id()));
        assertThat(members.deactivateFailing(3, now)).isEqualTo(1);
        members.flush();

        assertThat(members.findByHostAndPort("127.0.0.1", 10).orElseThrow().status()).isEqualTo(MemberStatus.INACTIVE);
        Member reloaded = members.findByHostAndPort("127.0.0.1", 11).orElseThrow();
        assertThat(reloaded.status()).isEqualTo(MemberStatus.ACTIVE);
        assertThat(reloaded.consecutiveFailures()).isZero();
        assertThat(members.countByStatus(MemberStatus.INACTIVE.name())).isEqualTo(1);
    }

    @Test
    void onlyMembersInactiveLongerThanTheCutoffAreDeleted() {
        markInactive(members.save(new Member("127.0.0.1", 20, "0000000000000014", 1L, now)));
        members.save(new Member("127.0.0.1", 21, "0000000000000015", 1L, now));
        assertThat(members.deleteInactiveSince(now.minus(Duration.ofHours(1)))).isZero();
        assertThat(members.deleteInactiveSince(now.plus(Duration.ofSeconds(1)))).isEqualTo(1);
        assertThat(members.count()).isEqualTo(1);
    }

    private void markInactive(Member member) {
        members.recordFailure(List.of(member.id()));
        members.deactivateFailing(1, now);
        members.flush();
    }
}
