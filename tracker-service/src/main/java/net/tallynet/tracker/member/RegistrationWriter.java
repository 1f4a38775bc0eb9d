package net.tallynet.tracker.member;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes registrations to the member table in batches: one transaction holds every registration that arrived
 * while the previous one was being written. One JPA transaction per registration (a lookup by address, then an
 * insert or an update through Hibernate) was about a third of the tracker's CPU in a registration wave (issue
 * 19, a profile); a batch is an update by address for all in one JDBC batch, an insert for those no row matched
 * in another (and, when the table is full, a count and the removal of inactive rows to make room).
 *
 * <p>A registration is answered only once it is committed: {@link #submit} returns a future completed after the
 * commit, on a virtual thread of the batch's own, so what a registrant does then (its ADDR answer) holds neither
 * the writer nor any lock of whoever wrote the batch (a reload's {@link #flush} runs holding the index). The
 * tracker's connections queue their registrations and go on, so a connection's work thread (one on two cores)
 * is free for the next registration while a batch is written; waiting there, it let no batch form. What waits is
 * bounded by the connections: each queued registration is an open connection waiting for its answer.
 */
final class RegistrationWriter {
    private static final Logger log = LoggerFactory.getLogger(RegistrationWriter.class);
    /** Most registrations in one transaction: bounds a transaction's undo log and a waiter's delay. */
    static final int MAX_BATCH = 1000;
    /** A bound of the table's rows older than this is counted again, should another tracker share the database. */
    static final Duration RECOUNT_AFTER = Duration.ofSeconds(1);
    private static final String UPDATE = "update members set netgroup = ?, node_id = ?, height = ?, last_seen = ?, "
            + "consecutive_failures = 0, status = 'ACTIVE', inactive_since = null where host = ? and port = ?";
    private static final String INSERT = "insert into members (host, port, netgroup, node_id, height, first_seen, last_seen, "
            + "consecutive_failures, status) values (?, ?, ?, ?, ?, ?, ?, 0, 'ACTIVE')";
    private static final String OLDEST_INACTIVE = "select id from members where status = 'INACTIVE' "
            + "order by inactive_since, id fetch first ? rows only";

    /** What a registration changed in the table. */
    enum Written { NEW, UPDATED }

    /** One registration to store. */
    record Registration(String host, int port, String nodeId, Long height, Instant at) {
        String key() {
            return ActiveMembers.key(host, port);
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final int maxRows;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Held while a batch is taken from the queue and written: batches are written one at a time, in order. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Whether a background writer is running (started by {@link #submit} when none is). */
    private final AtomicBoolean background = new AtomicBoolean();
    /**
     * At most this many rows are in the table (-1: not known): the last count, plus what was inserted since and less
     * what was deleted to make room, all by this writer, which is the only one that inserts into the tracker's own
     * database. Others only delete (the purge of long-inactive members), which keeps it an upper bound. Should two
     * trackers share a database (PostgreSQL), each misses the other's inserts until it counts again, at least once a
     * second: the table may pass {@code max} by a second's registrations of the other until then. Counting before every batch that
     * inserts was 7% of the tracker's samples in a registration wave (issue 19, a profile): under MVCC, H2 counts
     * a table with open transactions by reading their changes, and a check round's transaction was always open.
     * Held with {@link #writing}; made unknown when a transaction fails (what it deleted came back).
     */
    private long rowsAtMost = -1;
    /** When the table was last counted ({@link System#nanoTime}): counted again after {@link #recountAfterNanos}. */
    private long countedAt;
    private final long recountAfterNanos;

    RegistrationWriter(JdbcTemplate jdbc, TransactionTemplate transaction, int maxRows) {
        this(jdbc, transaction, maxRows, RECOUNT_AFTER);
    }

    RegistrationWriter(JdbcTemplate jdbc, TransactionTemplate transaction, int maxRows, Duration recountAfter) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.maxRows = maxRows;
        this.recountAfterNanos = recountAfter.toNanos();
    }

    /**
     * Queues the registration; the future completes once it is committed, or fails if it could not be stored.
     */
    CompletableFuture<Written> submit(Registration registration) {
        Pending pending = new Pending(registration);
        queue.add(pending);
        if (background.compareAndSet(false, true)) {
            try {
                Thread.ofVirtual().name("registration-writer").start(this::writeInBackground);
            } catch (RuntimeException | Error notStarted) {
                background.set(false); // the next submit tries again; this one is written by it or by a flush
                throw notStarted;
            }
        }
        return pending.result;
    }

    /**
     * Returns once everything queued before the call is committed, writing it on this thread (a reload of the
     * index must see every admitted member, and so must a stop). The lock is taken at least once: a batch the
     * background writer took from the queue is no longer queued, but committed only once that writer releases
     * the lock.
     */
    void flush() {
        do {
            List<Pending> batch;
            writing.lock();
            try {
                batch = writeBatch();
            } finally {
                writing.unlock();
            }
            completeLater(batch);
        } while (!queue.isEmpty());
    }

    /** Registrations waiting for a transaction now. */
    int queued() {
        return queue.size();
    }

    private void writeInBackground() {
        do {
            try {
                flush();
            } catch (RuntimeException | Error unexpected) {
                // writeBatch fails its own registrations and completeLater completes them here if its thread cannot
                // start, so only something else ends up here (a logger failing). The loop goes on, so what is
                // queued is not left to the next registration to write.
                log.error("registration writer: {}", unexpected.toString());
            } finally {
                background.set(false);
            }
            // a registration queued after the last batch was taken, but before the flag fell, started no writer
        } while (!queue.isEmpty() && background.compareAndSet(false, true));
    }

    /**
     * Takes the next batch from the queue and stores it; the caller holds {@link #writing}. Never throws: every
     * registration of the batch leaves either committed or failed, so none waits for ever.
     */
    private List<Pending> writeBatch() {
        List<Pending> batch = new ArrayList<>();
        for (Pending next; batch.size() < MAX_BATCH && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return batch;
        }
        try {
            if (!store(batch) && batch.size() > 1) {
                // a batch locks its rows in arrival order and a check round's transaction in its own, so the two
                // can deadlock and the database end one; or one bad row fails them all. Alone, as each registration
                // was written before batches, one row per transaction can form no cycle and fails only itself.
                batch.forEach(p -> store(List.of(p)));
            }
        } catch (RuntimeException | Error unexpected) {
            rowsAtMost = -1; // what a transaction it ended deleted may be back
            // not a failed transaction (store catches those): whatever it was, what is not committed fails with it
            RuntimeException failure = unexpected instanceof RuntimeException r ? r
                    : new IllegalStateException("registration batch failed", unexpected);
            batch.stream().filter(p -> !p.committed).forEach(p -> p.failure = failure);
        }
        List<Pending> failed = batch.stream().filter(p -> p.failure != null).toList();
        if (!failed.isEmpty()) {
            log.warn("{} of {} registrations not stored{}: {}", failed.size(), batch.size(),
                    batch.size() > 1 ? " (written one by one after their batch failed)" : "",
                    failed.getFirst().failure.toString());
        }
        return batch;
    }

    /** Stores the registrations in one transaction; false, with each one's failure set, if it failed. */
    private boolean store(List<Pending> registrations) {
        try {
            transaction.executeWithoutResult(status -> storeInTransaction(registrations));
        } catch (RuntimeException failure) {
            rowsAtMost = -1;
            registrations.forEach(p -> p.failure = failure);
            return false;
        }
        registrations.forEach(p -> {
            p.failure = null;
            p.committed = true;
        });
        return true;
    }

    /**
     * Completes the futures of a batch on a virtual thread of its own: what a registrant does next (its answer,
     * a close that takes the session's lock) must hold up neither the next batch nor the lock of whoever wrote
     * this one.
     */
    private static void completeLater(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Runnable completing = () -> {
            for (Pending p : batch) {
                if (p.failure != null) {
                    p.result.completeExceptionally(p.failure);
                } else {
                    p.result.complete(p.written);
                }
            }
        };
        try {
            Thread.ofVirtual().name("registration-answers").start(completing);
        } catch (RuntimeException | Error notStarted) {
            completing.run(); // here, rather than never
        }
    }

    private void storeInTransaction(List<Pending> batch) {
        // an address registering twice in one batch is written once, with its latest values (an update, then an
        // insert each, would insert it twice)
        Map<String, List<Pending>> byAddress = new LinkedHashMap<>();
        batch.forEach(p -> byAddress.computeIfAbsent(p.registration.key(), k -> new ArrayList<>()).add(p));
        List<Registration> latest = byAddress.values().stream().map(ps -> ps.getLast().registration).toList();
        int[][] updated = jdbc.batchUpdate(UPDATE, latest, MAX_BATCH, (row, r) -> {
            row.setString(1, Netgroup.of(r.host()));
            row.setString(2, r.nodeId());
            row.setObject(3, r.height());
            row.setObject(4, utc(r.at()));
            row.setString(5, r.host());
            row.setInt(6, r.port());
        });
        List<Registration> inserts = new ArrayList<>();
        for (int i = 0; i < latest.size(); i++) {
            Registration r = latest.get(i);
            boolean isNew = updated[i / MAX_BATCH][i % MAX_BATCH] == 0;
            if (isNew) {
                inserts.add(r);
            }
            Written written = isNew ? Written.NEW : Written.UPDATED;
            byAddress.get(r.key()).forEach(p -> p.written = written);
        }
        if (inserts.isEmpty()) {
            return;
        }
        makeRoom(inserts.size());
        rowsAtMost += inserts.size();
        jdbc.batchUpdate(INSERT, inserts, MAX_BATCH, (row, r) -> {
            row.setString(1, r.host());
            row.setInt(2, r.port());
            row.setString(3, Netgroup.of(r.host()));
            row.setString(4, r.nodeId());
            row.setObject(5, r.height());
            row.setObject(6, utc(r.at()));
            row.setObject(7, utc(r.at()));
        });
    }

    /**
     * Keeps the table at most {@code maxRows}: newcomers replace the inactive members closest to deletion
     * (MemberLimits admitted them against the active members, who never exceed it). The table is counted only
     * when {@link #rowsAtMost} leaves no room for the new rows, is not known, or is over a second old; afterwards
     * it holds the rows the table has once the new ones are inserted, less them (the caller adds them).
     */
    private void makeRoom(int newRows) {
        if (rowsAtMost >= 0 && rowsAtMost + newRows <= maxRows && System.nanoTime() - countedAt < recountAfterNanos) {
            return;
        }
        Long counted = jdbc.queryForObject("select count(*) from members", Long.class);
        long rows = counted == null ? 0 : counted;
        countedAt = System.nanoTime();
        long excess = rows + newRows - maxRows;
        if (excess > 0) {
            List<Long> oldest = jdbc.queryForList(OLDEST_INACTIVE, Long.class, excess);
            int[][] deleted = jdbc.batchUpdate("delete from members where id = ?", oldest, MAX_BATCH,
                    (row, id) -> row.setLong(1, id));
            rows -= Arrays.stream(deleted).flatMapToInt(Arrays::stream).map(n -> Math.max(n, 0)).sum(); // unknown: none
        }
        rowsAtMost = rows;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    /**
     * A registration queued and, once its batch was written, what it changed or why it failed; those fields are
     * written by the batch's writer holding {@link #writing}, and read by the thread it starts to complete them.
     */
    private static final class Pending {
        final Registration registration;
        final CompletableFuture<Written> result = new CompletableFuture<>();
        Written written;
        /** Set once a transaction holding it committed: nothing after that may fail it. */
        boolean committed;
        RuntimeException failure;

        Pending(Registration registration) {
            this.registration = registration;
        }
    }
}
