package net.tallynet.tracker.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.tallynet.p2p.LatencyBuckets;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.tracker.member.MemberAddress;
import net.tallynet.tracker.member.MemberMetrics;
import net.tallynet.tracker.member.MembersChanged;
import net.tallynet.tracker.member.MemberRegistry;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import net.tallynet.tracker.member.MembersProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks every active member once per interval (PROTOCOL.md 7.2, step 4): a round spreads its checks
 * evenly over most of the interval (never a burst of every member at once, however many there are),
 * up to a bound in flight, records their results as they come in batched updates, and at the round's end
 * deactivates members that failed {@code maxFailures} rounds in a row and deletes members inactive for too long.
 * The next round starts one (jittered) interval after this one began, so a member's checks are an
 * interval apart whatever a round costs, as long as the machine keeps up.
 */
@Component
public class MemberChecker extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(MemberChecker.class);
    /** A HELLO round trip: milliseconds on a LAN, up to the check timeout (5 s by default) when it fails. */
    private static final Duration[] CHECK_BUCKETS = LatencyBuckets.millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10000, 30000);

    private final MemberRepository members;
    private final HelloCheck check;
    private final ChecksProperties properties;
    private final MembersProperties membersProperties;
    private final MemberMetrics memberMetrics;
    private final MemberRegistry registry;
    private final TransactionTemplate transaction;
    private final CheckRecorder recorder;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<CheckOutcome, Counter> outcomes = new EnumMap<>(CheckOutcome.class);
    private final Timer latency;

    public MemberChecker(MemberRepository members, HelloCheck check, ChecksProperties properties,
                         MembersProperties membersProperties, MemberMetrics memberMetrics, MemberRegistry memberRegistry,
                         TransactionTemplate transaction, CheckRecorder recorder, Clock clock, MeterRegistry registry,
                         ApplicationEventPublisher events) {
        super("member-checks");
        this.members = members;
        this.check = check;
        this.properties = properties;
        this.membersProperties = membersProperties;
        this.memberMetrics = memberMetrics;
        this.registry = memberRegistry;
        this.transaction = transaction;
        this.recorder = recorder;
        this.clock = clock;
        this.events = events;
        for (CheckOutcome outcome : CheckOutcome.values()) {
            outcomes.put(outcome, Counter.builder("tallynet.tracker.checks").tag("outcome", outcome.label())
                    .description("Member checks, by outcome").register(registry));
        }
        this.latency = Timer.builder("tallynet.tracker.check").description("Time for one member check")
                .serviceLevelObjectives(CHECK_BUCKETS).register(registry);
    }

    /** The share of an interval a round spreads its checks over: the rest is for the last checks' answers. */
    private static final double SPREAD = 0.9;
    /** Check results written per transaction, as a round goes. */
    static final int CHUNK = 1000;
    /** When the next round begins, set by the round before (jittered interval less what the round took). */
    private volatile Duration untilNextRound = Duration.ZERO;

    /** Runs one full round now, every check at once up to the bound, and returns what it found (tests, benchmarks). */
    public RoundResult runRound() {
        return runRound(Duration.ZERO);
    }

    /**
     * One round whose checks start evenly spaced over {@code spread} (the scheduler's rounds), so a
     * member is checked at about the same point of every round. Returns early, recording what was
     * checked, if the thread is interrupted (the tracker stopping).
     * <p>
     * Results are written as they come, {@link #CHUNK} at a time in transactions of their own, and the index
     * of active members is brought up to date from them (a passed member's last-seen time, a member made
     * inactive taken out), never rebuilt. With 100,000 members, a round that kept every result, future and
     * address until its end, then wrote them in one transaction and reloaded the whole index from the table,
     * moved 200 MB or more into the old generation within seconds of each round's end (a GC log): a full
     * collection every round or two, whose pauses were the REST API's p99 (issue 19).
     */
    RoundResult runRound(Duration spread) {
        long start = System.nanoTime();
        List<MemberAddress> active = members.activeAddresses();
        long spacing = active.isEmpty() ? 0 : spread.toNanos() / active.size();
        int bound = properties.concurrency();
        Semaphore inFlight = new Semaphore(bound);
        Queue<CheckRecorder.Checked> done = new ConcurrentLinkedQueue<>();
        AtomicInteger finished = new AtomicInteger();
        Tally tally = new Tally();
        int started = 0;
        for (MemberAddress member : active) {
            long wait = start + started * spacing - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (finished.get() - tally.taken >= CHUNK) {
                record(done, tally);
            }
            inFlight.acquireUninterruptibly();
            started++;
            long checkStart = System.nanoTime();
            CompletableFuture<HelloCheck.Result> checking;
            try {
                checking = check.check(member.host(), member.port());
            } catch (RuntimeException stopping) { // its executor shut down: the tracker is stopping
                inFlight.release();
                throw stopping;
            }
            checking.whenComplete((answer, error) -> {
                try {
                    CheckOutcome result = error != null ? CheckOutcome.UNREACHABLE : answer.outcome();
                    latency.record(System.nanoTime() - checkStart, TimeUnit.NANOSECONDS);
                    outcomes.get(result).increment();
                    done.add(new CheckRecorder.Checked(member, result == CheckOutcome.OK,
                            result == CheckOutcome.OK ? answer.blockCount() : null));
                    finished.incrementAndGet();
                } finally {
                    inFlight.release();
                }
            });
        }
        // every permit back: every check started has ended (each ends within the check timeout)
        inFlight.acquireUninterruptibly(bound);
        record(done, tally);
        int deactivated = deactivate();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        refreshCounts();
        if (!active.isEmpty()) {
            // last checks (and maybe heights and statuses) changed: the dashboard shows them
            events.publishEvent(new MembersChanged());
        }
        RoundResult result = new RoundResult(tally.checked, tally.ok, tally.checked - tally.ok, deactivated, took);
        if (!active.isEmpty()) {
            log.info("check round: {} members, {} ok, {} failed, {} now inactive, took {} ms", result.checked(),
                    result.ok(), result.failed(), result.deactivated(), took.toMillis());
        }
        return result;
    }

    /** Results taken from the queue, and written, so far in this round (only the round's own thread touches it). */
    private static final class Tally {
        int taken;
        int checked;
        int ok;
    }

    /**
     * Writes the results finished so far, at most {@link #CHUNK} per transaction, and tells the index which members
     * answered. A chunk that cannot be written (a deadlock with a registration batch, which locks its rows in
     * another order) is tried once more, then given up and logged: those members' results are lost for this
     * round, not the round.
     */
    private void record(Queue<CheckRecorder.Checked> done, Tally tally) {
        while (!done.isEmpty()) {
            List<CheckRecorder.Checked> chunk = new ArrayList<>(CHUNK);
            for (CheckRecorder.Checked checked; chunk.size() < CHUNK && (checked = done.poll()) != null; ) {
                chunk.add(checked);
            }
            tally.taken += chunk.size();
            Instant now = clock.instant();
            if (!written(chunk, now) && !written(chunk, now)) {
                log.warn("{} check results not stored (see above); they count again next round", chunk.size());
                continue;
            }
            List<MemberAddress> passed = chunk.stream().filter(CheckRecorder.Checked::passed)
                    .map(CheckRecorder.Checked::member).toList();
            registry.seen(passed, now);
            tally.checked += chunk.size();
            tally.ok += passed.size();
        }
    }

    private boolean written(List<CheckRecorder.Checked> chunk, Instant now) {
        try {
            transaction.executeWithoutResult(status -> recorder.record(chunk, now));
            return true;
        } catch (RuntimeException e) {
            log.info("check results not stored: {}", e.toString());
            return false;
        }
    }

    /**
     * Members that failed {@code maxFailures} checks in a row become inactive and leave the index; members
     * inactive for too long are deleted.
     */
    private int deactivate() {
        Instant now = clock.instant();
        int deactivated = registry.deactivate(() -> transaction.execute(status ->
                members.deactivateFailingMembers(properties.maxFailures(), now)));
        int deleted = members.deleteInactiveSince(now.minus(membersProperties.deleteAfter()));
        if (deleted > 0) {
            log.info("deleted {} members inactive for more than {}", deleted, membersProperties.deleteAfter());
        }
        return deactivated;
    }

    private void refreshCounts() {
        memberMetrics.inactive(members.countByStatus(MemberStatus.INACTIVE.name()));
    }

    @Override
    protected boolean enabled() {
        return properties.enabled();
    }

    @Override
    protected Duration firstDelay() {
        return properties.initialDelay();
    }

    @Override
    protected Duration period() {
        return properties.interval();
    }

    /** What is left of this round's (jittered) interval: the next round begins one interval after this one did. */
    @Override
    protected Duration nextDelay() {
        return untilNextRound;
    }

    /**
     * One round over the interval times a random factor within 1 ± jitter (so rounds of several trackers
     * do not align), its checks spread over {@link #SPREAD} of it.
     */
    @Override
    protected void tick() {
        long started = System.nanoTime();
        double factor = 1 + properties.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        Duration round = Duration.ofMillis(Math.max(1, (long) (period().toMillis() * factor)));
        try {
            runRound(Duration.ofNanos((long) (round.toNanos() * SPREAD)));
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            untilNextRound = took.compareTo(round) >= 0 ? Duration.ZERO : round.minus(took);
        }
    }

    @Override
    public synchronized void start() {
        registry.reloadActive();
        refreshCounts();
        super.start();
        if (isRunning()) {
            log.info("member checks every {} (jitter {}%), timeout {}, inactive after {} failures",
                    properties.interval(), Math.round(properties.jitter() * 100), properties.timeout(),
                    properties.maxFailures());
        }
    }

    /** What one round did. */
    public record RoundResult(int checked, int ok, int failed, int deactivated, Duration took) {
    }
}
