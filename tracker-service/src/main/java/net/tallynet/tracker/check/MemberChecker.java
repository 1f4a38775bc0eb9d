package net.tallynet.tracker.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * up to a bound in flight, then records the round's results in a few batched updates, deactivates
 * members that failed {@code maxFailures} rounds in a row, and deletes members inactive for too long.
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
     */
    RoundResult runRound(Duration spread) {
        long start = System.nanoTime();
        List<MemberAddress> active = members.activeAddresses();
        long spacing = active.isEmpty() ? 0 : spread.toNanos() / active.size();
        Semaphore inFlight = new Semaphore(properties.concurrency());
        List<CheckRecorder.Checked> results = new ArrayList<>(active.size());
        List<CompletableFuture<Void>> pending = new ArrayList<>(active.size());
        for (int i = 0; i < active.size(); i++) {
            MemberAddress member = active.get(i);
            long wait = start + i * spacing - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            inFlight.acquireUninterruptibly();
            long checkStart = System.nanoTime();
            pending.add(check.check(member.host(), member.port()).handle((answer, error) -> {
                CheckOutcome result = error != null ? CheckOutcome.UNREACHABLE : answer.outcome();
                latency.record(System.nanoTime() - checkStart, TimeUnit.NANOSECONDS);
                outcomes.get(result).increment();
                synchronized (results) {
                    results.add(new CheckRecorder.Checked(member.id(), result == CheckOutcome.OK,
                            result == CheckOutcome.OK ? answer.blockCount() : null));
                }
                inFlight.release();
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        int deactivated = record(results);
        int ok = (int) results.stream().filter(CheckRecorder.Checked::passed).count();
        registry.reloadActive();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        refreshCounts();
        if (!active.isEmpty()) {
            // last checks (and maybe heights and statuses) changed: the dashboard shows them
            events.publishEvent(new MembersChanged());
        }
        RoundResult result = new RoundResult(results.size(), ok, results.size() - ok, deactivated, took);
        if (!active.isEmpty()) {
            log.info("check round: {} members, {} ok, {} failed, {} now inactive, took {} ms", result.checked(),
                    result.ok(), result.failed(), result.deactivated(), took.toMillis());
        }
        return result;
    }

    private int record(List<CheckRecorder.Checked> results) {
        var now = clock.instant();
        Integer deactivated = transaction.execute(status -> {
            recorder.record(results, now);
            int count = members.deactivateFailing(properties.maxFailures(), now);
            int deleted = members.deleteInactiveSince(now.minus(membersProperties.deleteAfter()));
            if (deleted > 0) {
                log.info("deleted {} members inactive for more than {}", deleted, membersProperties.deleteAfter());
            }
            return count;
        });
        return deactivated == null ? 0 : deactivated;
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
