package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import net.tallynet.tracker.member.RegistrationWriter.Registration;
import net.tallynet.tracker.member.RegistrationWriter.Written;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Group commit of registrations against a real (in-memory H2) member table, each transaction committed. */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class RegistrationWriterTest {
    @Autowired
    MemberRepository members;
    @Autowired
    DataSource dataSource;

    /** As MemberRegistry gives its writer: plain JDBC transactions on the service's data source. */
    private PlatformTransactionManager transactions() {
        return new JdbcTransactionManager(dataSource);
    }

    /** Counts the transactions, and runs a hook at the start of each (inside it). */
    private final class Transactions extends TransactionTemplate {
        final AtomicInteger count = new AtomicInteger();
        volatile Consumer<Integer> atStart = n -> { };

        Transactions() {
            super(transactions());
        }

        @Override
        public void executeWithoutResult(Consumer<TransactionStatus> action) {
            int n = count.incrementAndGet();
            super.executeWithoutResult(status -> {
                atStart.accept(n);
                action.accept(status);
            });
        }
    }

    @AfterEach
    void empty() {
        members.deleteAll();
    }

    private RegistrationWriter writer(TransactionTemplate transactions, int maxRows) {
        return new RegistrationWriter(new JdbcTemplate(dataSource), transactions, maxRows);
    }

    private static Registration at(String host, int port, String nodeId) {
        return new Registration(host, port, nodeId, 7L, Instant.now());
    }

    private static Written written(CompletableFuture<Written> answer) throws Exception {
        return answer.get(30, TimeUnit.SECONDS);
    }

    /** The first transaction, once it has begun, waits until {@code queued} registrations are behind it. */
    private static CountDownLatch firstWaitsFor(Transactions counted, RegistrationWriter[] writer, int queued) {
        CountDownLatch begun = new CountDownLatch(1);
        counted.atStart = n -> {
            if (n == 1) {
                begun.countDown();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                        .until(() -> writer[0].queued() >= queued);
            }
        };
        return begun;
    }

    @Test
    void registrationsArrivingDuringAWriteShareTheNextTransaction() throws Exception {
        Transactions counted = new Transactions();
        RegistrationWriter[] writer = {writer(counted, 1000)};
        CountDownLatch begun = firstWaitsFor(counted, writer, 63);
        List<CompletableFuture<Written>> answers = new ArrayList<>();
        answers.add(writer[0].submit(at("127.0.0.1", 1, "0000000000000001")));
        assertThat(begun.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 64; i++) {
            answers.add(writer[0].submit(at("127.0.0." + i, i, String.format("%016x", i))));
        }
        for (CompletableFuture<Written> answer : answers) {
            assertThat(written(answer)).isEqualTo(Written.NEW);
        }
        assertThat(members.count()).isEqualTo(64);
        assertThat(counted.count.get()).as("the 63 queued behind the first went in one transaction").isEqualTo(2);
        Member one = members.findByHostAndPort("127.0.0.5", 5).orElseThrow();
        assertThat(one.nodeId()).isEqualTo("0000000000000005");
        assertThat(one.height()).isEqualTo(7L);
        assertThat(one.status()).isEqualTo(MemberStatus.ACTIVE);
        assertThat(one.netgroup()).isEqualTo("127.0/16");
    }

    @Test
    void anAddressTwiceInOneBatchIsOneRowWithItsLatestValues() throws Exception {
        Transactions counted = new Transactions();
        RegistrationWriter[] writer = {writer(counted, 1000)};
        CountDownLatch begun = firstWaitsFor(counted, writer, 2);
        var first = writer[0].submit(at("127.0.0.9", 1, "0000000000000009"));
        assertThat(begun.await(30, TimeUnit.SECONDS)).isTrue();
        var again = writer[0].submit(at("127.0.0.2", 2, "0000000000000001"));
        var latest = writer[0].submit(at("127.0.0.2", 2, "0000000000000002"));
        assertThat(written(first)).isEqualTo(Written.NEW);
        assertThat(written(again)).isEqualTo(Written.NEW);
        assertThat(written(latest)).isEqualTo(Written.NEW);
        assertThat(members.count()).isEqualTo(2);
        assertThat(members.findByHostAndPort("127.0.0.2", 2).orElseThrow().nodeId()).isEqualTo("0000000000000002");
        // later, the same address is an update of its row
        assertThat(written(writer[0].submit(at("127.0.0.2", 2, "0000000000000003")))).isEqualTo(Written.UPDATED);
        assertThat(members.count()).isEqualTo(2);
    }

    @Test
    void anInactiveMemberComingBackIsActiveAgainWithItsFailuresCleared() throws Exception {
        RegistrationWriter writer = writer(new TransactionTemplate(transactions()), 10);
        written(writer.submit(at("127.0.0.3", 3, "0000000000000003")));
        Long id = members.findByHostAndPort("127.0.0.3", 3).orElseThrow().id();
        members.recordFailure(List.of(id));
        members.deactivateFailing(1, Instant.now());
        assertThat(written(writer.submit(at("127.0.0.3", 3, "0000000000000033")))).isEqualTo(Written.UPDATED);
        Member back = members.findById(id).orElseThrow();
        assertThat(back.status()).isEqualTo(MemberStatus.ACTIVE);
        assertThat(back.consecutiveFailures()).isZero();
        assertThat(back.inactiveSince()).isNull();
        assertThat(back.nodeId()).isEqualTo("0000000000000033");
    }

    @Test
    void newcomersToAFullTableReplaceTheInactiveMembersClosestToDeletion() throws Exception {
        RegistrationWriter writer = writer(new TransactionTemplate(transactions()), 3);
        for (int port = 1; port <= 3; port++) {
            written(writer.submit(at("127.0.0.4", port, String.format("%016x", port))));
            Long id = members.findByHostAndPort("127.0.0.4", port).orElseThrow().id();
            members.recordFailure(List.of(id));
            members.deactivateFailing(1, Instant.now().plusSeconds(port)); // port 1 inactive longest
        }
        written(writer.submit(at("127.0.0.5", 1, "0000000000000051")));
        written(writer.submit(at("127.0.0.5", 2, "0000000000000052")));
        assertThat(members.count()).isEqualTo(3);
        assertThat(members.findByHostAndPort("127.0.0.4", 1)).isEmpty();
        assertThat(members.findByHostAndPort("127.0.0.4", 2)).isEmpty();
        assertThat(members.findByHostAndPort("127.0.0.4", 3)).isPresent();
    }

    /** A JdbcTemplate on the test's database that counts the writer's table counts. */
    private JdbcTemplate counting(AtomicInteger counts) {
        return new JdbcTemplate(dataSource) {
            @Override
            public <T> T queryForObject(String sql, Class<T> requiredType) {
                if (sql.contains("count(*)")) {
                    counts.incrementAndGet();
                }
                return super.queryForObject(sql, requiredType);
            }
        };
    }

    /** Batches into a table far from full count it once, not before each insert (issue 19: 7% of a wave's CPU). */
    @Test
    void theTableIsCountedOnlyWhenItsBoundLeavesNoRoom() throws Exception {
        AtomicInteger counts = new AtomicInteger();
        // no recount by age within the test, however slow the machine
        RegistrationWriter writer = new RegistrationWriter(counting(counts), new TransactionTemplate(transactions()), 5,
                Duration.ofHours(1));
        for (int port = 1; port <= 5; port++) {
            written(writer.submit(at("127.0.0.8", port, String.format("%016x", port))));
        }
        assertThat(counts).as("counts for five batches that all fit").hasValue(1);
        written(writer.submit(at("127.0.0.8", 1, "0000000000000001"))); // an update: nothing to make room for
        assertThat(counts).hasValue(1);
        members.recordFailure(List.of(members.findByHostAndPort("127.0.0.8", 1).orElseThrow().id()));
        members.deactivateFailing(1, Instant.now());
        written(writer.submit(at("127.0.0.9", 1, "0000000000000091"))); // the bound says full: counted, room made
        assertThat(counts).hasValue(2);
        assertThat(members.count()).isEqualTo(5);
        assertThat(members.findByHostAndPort("127.0.0.8", 1)).isEmpty();
    }

    /** A bound older than the recount age is counted again (another tracker may share the database and insert). */
    @Test
    void aBoundOlderThanTheRecountAgeIsCountedAgain() throws Exception {
        AtomicInteger counts = new AtomicInteger();
        RegistrationWriter writer = new RegistrationWriter(counting(counts), new TransactionTemplate(transactions()), 1000,
                Duration.ZERO);
        for (int port = 1; port <= 3; port++) {
            written(writer.submit(at("127.0.0.10", port, String.format("%016x", port))));
        }
        assertThat(counts).hasValue(3);
    }

    /**
     * The writer counts the table only when its bound of the rows leaves no room; rows deleted meanwhile by
     * others (the purge of long-inactive members) make that bound too high, never too low, so newcomers take their
     * place without pushing out a member: here the one inactive member left stays.
     */
    @Test
    void rowsPurgedBetweenBatchesMakeRoomWithoutRemovingAnyone() throws Exception {
        RegistrationWriter writer = writer(new TransactionTemplate(transactions()), 3);
        for (int port = 1; port <= 3; port++) {
            written(writer.submit(at("127.0.0.6", port, String.format("%016x", port))));
        }
        members.recordFailure(members.findAll().stream().map(Member::id).toList());
        members.deactivateFailing(1, Instant.now());
        new JdbcTemplate(dataSource).update("delete from members where port < 3"); // purged
        written(writer.submit(at("127.0.0.7", 1, "0000000000000071")));
        written(writer.submit(at("127.0.0.7", 2, "0000000000000072")));
        assertThat(members.count()).isEqualTo(3);
        assertThat(members.findByHostAndPort("127.0.0.6", 3)).isPresent();
    }

    /**
     * A batch that fails is written again one registration per transaction, as registrations were before
     * batches: one that cannot be stored fails alone (its registrant is told), the others of its batch are stored.
     * A deadlock with a check round's transaction ends the same way, with nothing lost.
     */
    @Test
    void aRegistrationThatCannotBeStoredFailsAloneAndTheRestOfItsBatchIsStored() throws Exception {
        Transactions counted = new Transactions();
        RegistrationWriter[] writer = {writer(counted, 10)};
        CountDownLatch begun = firstWaitsFor(counted, writer, 3);
        var first = writer[0].submit(at("127.0.0.6", 1, "0000000000000001"));
        assertThat(begun.await(30, TimeUnit.SECONDS)).isTrue();
        var before = writer[0].submit(at("127.0.0.6", 2, "0000000000000002"));
        // a node id longer than its column (16): its insert fails, and with it the batch's transaction
        var bad = writer[0].submit(at("127.0.0.6", 3, "x".repeat(40)));
        var after = writer[0].submit(at("127.0.0.6", 4, "0000000000000004"));
        assertThat(written(first)).isEqualTo(Written.NEW);
        assertThat(written(before)).isEqualTo(Written.NEW);
        assertThat(written(after)).isEqualTo(Written.NEW);
        assertThat(bad).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                .withCauseInstanceOf(DataAccessException.class);
        assertThat(members.count()).isEqualTo(3);
        assertThat(members.findByHostAndPort("127.0.0.6", 3)).isEmpty();
        assertThat(counted.count.get()).as("the first, the batch of three, then each of the three alone").isEqualTo(5);
    }

    /**
     * A flush (what a reload of the index does first) waits for the batch the background writer has taken from
     * the queue: the queue is empty then, but the batch is not committed yet. A flush that returned on an empty
     * queue let a reload miss members (20,000 registered, 19,937 in the index, bench-tracker).
     */
    @Test
    void aFlushWaitsForTheBatchBeingWritten() throws Exception {
        Transactions counted = new Transactions();
        RegistrationWriter writer = writer(counted, 10);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        counted.atStart = n -> {
            writing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        var written = writer.submit(at("127.0.0.7", 7, "0000000000000007"));
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.queued()).isZero();
        ExecutorService flushing = Executors.newSingleThreadExecutor();
        try {
            Future<Long> rowsAfterFlush = flushing.submit(() -> {
                writer.flush();
                return members.count();
            });
            Thread.sleep(300);
            assertThat(rowsAfterFlush).as("the flush waits for the batch under way").isNotDone();
            release.countDown();
            assertThat(rowsAfterFlush.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(written.get(30, TimeUnit.SECONDS)).isEqualTo(Written.NEW);
        } finally {
            release.countDown();
            flushing.shutdownNow();
        }
    }
}
