package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import static net.tallynet.tracker.TrackerTestSupport.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ParameterizedPreparedStatementSetter;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Registration rules against a real (in-memory H2) member table. */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
@ExtendWith(OutputCaptureExtension.class)
// no test transaction: registrations are written by the registry's own writer, in transactions of their own
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class MemberRegistryTest {
    @Autowired
    MemberRepository members;
    @Autowired
    DataSource dataSource;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private MemberRegistry registry(int max, int burst) {
        return registry(max, 1000, 1000, burst);
    }

    private MemberRegistry registry(int max, int maxPerHost, int maxPerPrefix, int burst) {
        MembersProperties properties = new MembersProperties(max, maxPerHost, maxPerPrefix, 50, Duration.ofHours(24), 1,
                burst, 2, Duration.ofMinutes(1));
        return new MemberRegistry(members, properties, new MemberMetrics(meters), Clock.systemUTC(), event -> { },
                new JdbcTemplate(dataSource));
    }

    @AfterEach
    void empty() {
        members.deleteAll();
    }

    /** Registers and waits for the answer, as the connection does before it sends ADDR. */
    private static boolean registered(MemberRegistry registry, String host, int port, String nodeId, long height) {
        try {
            return registry.register(host, port, nodeId, height).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private double counted(String kind) {
        return count(meters, "tallynet.tracker.registrations", "kind", kind);
    }

    /** What a check round does to members that stopped answering. */
    private void deactivate(MemberRegistry registry, String host, int... ports) {
        for (int port : ports) {
            members.recordFailure(List.of(members.findByHostAndPort(host, port).orElseThrow().id()));
        }
        registry.deactivate(() -> members.deactivateFailingMembers(1, Instant.now()));
    }

    /**
     * Rounds update the index rather than reload it, so the end of each compares it with the table: an entry
     * without a row (or a row without an entry) is settled from the table there.
     */
    @Test
    void aRoundsEndSettlesAnIndexThatDiffersFromTheTable() {
        MemberRegistry registry = registry(100, 100);
        for (int port = 1; port <= 3; port++) {
            assertThat(registered(registry, "127.0.0.1", port, String.format("%016x", port), 1)).isTrue();
        }
        members.delete(members.findByHostAndPort("127.0.0.1", 2).orElseThrow()); // a row gone behind the index
        assertThat(registry.activeCount()).isEqualTo(3);
        assertThat(registry.deactivate(List::of)).isZero();
        assertThat(registry.activeCount()).isEqualTo(2);
        assertThat(registry.sampleFor("127.0.0.9", 9)).extracting(e -> e.port()).containsExactlyInAnyOrder(1, 3);
    }

    @Test
    void memberTableIsBoundedButKnownMembersMayStillRenew() {
        MemberRegistry registry = registry(2, 100);
        assertThat(registered(registry, "127.0.0.1", 1, "0000000000000001", 1)).isTrue();
        assertThat(registered(registry, "127.0.0.1", 2, "0000000000000002", 1)).isTrue();
        assertThat(registered(registry, "127.0.0.1", 3, "0000000000000003", 1)).isFalse();
        assertThat(members.count()).isEqualTo(2);
        assertThat(registered(registry, "127.0.0.1", 2, "0000000000000022", 1)).isTrue();
        assertThat(members.findByHostAndPort("127.0.0.1", 2).orElseThrow().nodeId()).isEqualTo("0000000000000022");
        assertThat(registry.sampleFor("127.0.0.9", 9)).hasSize(2);
    }

    @Test
    void registrationRateIsPerHostAndTheHostTableIsBounded() {
        MemberRegistry registry = registry(100, 2);
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isFalse();
        assertThat(registry.allowRegistration("127.0.0.2")).isTrue();
        // only 2 hosts are remembered: a third pushes out the least recently seen (127.0.0.1)
        assertThat(registry.allowRegistration("127.0.0.3")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
    }

    @Test
    void oneHostRegisteringManyPortsIsCappedAtMaxPerHostAndLoggedOnce(CapturedOutput output) {
        MemberRegistry registry = registry(100, 3, 100, 100);
        assertThat(register(registry, "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4", "127.0.0.1:5"))
                .containsExactly(true, true, true, false, false);
        assertThat(members.countByStatusAndHost(MemberStatus.ACTIVE.name(), "127.0.0.1")).isEqualTo(3);
        assertThat(counted("refused_host_full")).isEqualTo(2);
        assertThat(output.getOut().split("not recording member 127.0.0.1:", -1)).hasSize(2);
        // members already recorded still renew, and the next address of the same network still registers
        assertThat(register(registry, "127.0.0.1:2", "127.0.0.2:1")).containsExactly(true, true);
    }

    @Test
    void manyHostsOfOneSixteenAreCappedAtMaxPerPrefixWhileAnotherPrefixRegisters() {
        MemberRegistry registry = registry(100, 10, 3, 100);
        assertThat(register(registry, "127.0.0.1:1", "127.0.0.2:1", "127.0.200.3:1", "127.0.0.4:1", "127.0.9.9:1"))
                .containsExactly(true, true, true, false, false);
        assertThat(counted("refused_prefix_full")).isEqualTo(2);
        assertThat(register(registry, "127.1.0.1:1")).containsExactly(true);
        assertThat(members.findByHostAndPort("127.1.0.1", 1).orElseThrow().netgroup()).isEqualTo("127.1/16");
        assertThat(members.count()).isEqualTo(4);
    }

    @Test
    void inactiveMembersDoNotCountAgainstTheLimitsAndTheOldestMakesRoom() {
        MemberRegistry registry = registry(3, 2, 2, 100);
        assertThat(register(registry, "127.0.0.1:1", "127.0.0.1:2", "127.1.0.1:1")).containsOnly(true);
        deactivate(registry, "127.0.0.1", 1, 2);
        deactivate(registry, "127.1.0.1", 1);
        // three inactive rows fill the table (max 3), the host's cap and the prefix's: none blocks a newcomer
        assertThat(register(registry, "127.0.0.1:3", "127.0.0.1:4", "127.1.0.2:1")).containsOnly(true);
        assertThat(members.count()).as("each newcomer replaced an inactive member").isEqualTo(3);
        assertThat(members.countByStatus(MemberStatus.ACTIVE.name())).isEqualTo(3);
        assertThat(counted("refused_full") + counted("refused_host_full") + counted("refused_prefix_full")).isZero();
        // now the active members fill the table
        assertThat(register(registry, "127.2.0.1:1")).containsExactly(false);
        assertThat(counted("refused_full")).isEqualTo(1);
    }

    @Test
    void aReturningInactiveMemberMustFitTheCapsLikeANewcomer() {
        MemberRegistry registry = registry(10, 1, 10, 100);
        assertThat(register(registry, "127.0.0.1:1")).containsExactly(true);
        deactivate(registry, "127.0.0.1", 1);
        // otherwise a host could park members as inactive, register as many more, then bring the first back
        assertThat(register(registry, "127.0.0.1:2", "127.0.0.1:1")).containsExactly(true, false);
        assertThat(members.findByHostAndPort("127.0.0.1", 1).orElseThrow().status()).isEqualTo(MemberStatus.INACTIVE);
        assertThat(counted("refused_host_full")).isEqualTo(1);
    }

    /** Registers each host:port in turn; what register answered for each. */
    private static List<Boolean> register(MemberRegistry registry, String... addresses) {
        return Stream.of(addresses).map(address -> {
            int colon = address.lastIndexOf(':');
            int port = Integer.parseInt(address.substring(colon + 1));
            return registered(registry, address.substring(0, colon), port, String.format("%016x", port), 1);
        }).toList();
    }

    /**
     * Newcomers from one host registering at once, each committing on its own thread as the tracker's
     * connections do: the per-host cap holds. Its count and the index entry of a newcomer were apart (a count
     * query and an insert between them), so several could pass a cap with one place left.
     */
    @Test
    void newcomersFromOneHostAtOnceStayWithinItsCap() throws Exception {
        MemberRegistry registry = registry(1000, 3, 1000, 100);
        int newcomers = 16;
        ExecutorService threads = Executors.newFixedThreadPool(newcomers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> registered = new ArrayList<>();
            for (int i = 0; i < newcomers; i++) {
                int port = 1000 + i;
                registered.add(threads.submit(() -> {
                    start.await();
                    return registered(registry, "127.0.0.7", port, String.format("%016x", port), 1);
                }));
            }
            start.countDown();
            long accepted = 0;
            for (Future<Boolean> result : registered) {
                accepted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(members.count()).isEqualTo(3);
            assertThat(registry.activeCount()).isEqualTo(3);
            assertThat(counted(RegistrationRefusal.HOST_FULL.label())).isEqualTo(newcomers - 3);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A renewal writes the columns a registration sets, not the row: what a check round wrote in between (its
     * {@code last_checked}) stays. A renewal through the entity once wrote back the whole row as it had read it.
     */
    @Test
    void aRenewalLeavesWhatACheckWroteMeanwhile() {
        MemberRegistry registry = registry(100, 100);
        assertThat(registered(registry, "127.0.0.8", 1, "0000000000000001", 1)).isTrue();
        Instant checked = Instant.parse("2026-12-05T10:00:00Z");
        new JdbcTemplate(dataSource).update("update members set last_checked = ? where host = '127.0.0.8'",
                checked.atOffset(ZoneOffset.UTC));
        assertThat(registered(registry, "127.0.0.8", 1, "0000000000000002", 2)).isTrue();
        Member renewed = members.findByHostAndPort("127.0.0.8", 1).orElseThrow();
        assertThat(renewed.nodeId()).isEqualTo("0000000000000002");
        assertThat(renewed.height()).isEqualTo(2L);
        assertThat(renewed.lastChecked()).isEqualTo(checked);
        assertThat(counted("new")).isEqualTo(1);
        assertThat(counted("renewed")).isEqualTo(1);
    }

    @Test
    void aMemberBackFromInactiveIsCountedAsReactivated() {
        MemberRegistry registry = registry(100, 100);
        assertThat(registered(registry, "127.0.0.12", 1, "0000000000000001", 1)).isTrue();
        deactivate(registry, "127.0.0.12", 1);
        assertThat(registered(registry, "127.0.0.12", 1, "0000000000000001", 1)).isTrue();
        assertThat(counted("reactivated")).isEqualTo(1);
        assertThat(members.findByHostAndPort("127.0.0.12", 1).orElseThrow().status()).isEqualTo(MemberStatus.ACTIVE);
    }

    /**
     * A registration that cannot be stored fails its future (the connection closes unanswered), is counted as
     * {@code failed}, and leaves the index as it was: a newcomer without a row is neither handed out nor
     * counted against the caps.
     */
    @Test
    void aRegistrationThatCannotBeStoredFailsAndLeavesNoTrace() {
        MembersProperties properties = new MembersProperties(100, 100, 100, 50, Duration.ofHours(24), 1, 100, 2,
                Duration.ofMinutes(1));
        JdbcTemplate failing = new JdbcTemplate(dataSource) {
            @Override
            public <T> int[][] batchUpdate(String sql, Collection<T> batchArgs, int batchSize,
                                           ParameterizedPreparedStatementSetter<T> setter) {
                throw new DataAccessResourceFailureException("disk full");
            }
        };
        MemberRegistry broken = new MemberRegistry(members, properties, new MemberMetrics(meters), Clock.systemUTC(),
                event -> { }, failing);
        assertThat(broken.register("127.0.0.11", 1, "0000000000000001", 1L)).failsWithin(Duration.ofSeconds(30))
                .withThrowableThat().withRootCauseInstanceOf(DataAccessResourceFailureException.class);
        assertThat(counted("failed")).isEqualTo(1);
        assertThat(counted("new")).isZero();
        assertThat(members.findByHostAndPort("127.0.0.11", 1)).isEmpty();
        assertThat(broken.activeCount()).isZero();
        assertThat(broken.sampleFor("127.0.0.9", 9)).isEmpty();
    }

    /**
     * Registrations racing the reloads a check round does after each round: every one answered true is in the
     * table and in the index afterwards, though reloads replaced the index with the table meanwhile. (The window
     * a reload once had, not waiting for the batch being written, is shown deterministically by
     * RegistrationWriterTest.aFlushWaitsForTheBatchBeingWritten: here later reloads mostly repaired it.)
     */
    @Test
    void noRegistrationIsLostFromTheIndexByAReloadMeanwhile() throws Exception {
        MemberRegistry registry = registry(10_000, 1000, 10_000, 10_000);
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        // stopped by a flag, not an interrupt: an interrupt inside a reload's flush could fail a batch's transaction
        Thread reloading = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                registry.reloadActive();
            }
        });
        try {
            for (int i = 0; i < 2000; i++) {
                answers.add(registry.register("127.0." + (i / 250) + "." + (i % 250 + 1), 1, String.format("%016x", i), 1L));
            }
        } finally {
            // the reloads end while batches are still being written: a member one of them dropped stays dropped
            stop.set(true);
            reloading.join();
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(answers).allMatch(CompletableFuture::join);
        assertThat(members.count()).isEqualTo(2000);
        assertThat(registry.activeCount()).isEqualTo(2000);
    }
}
