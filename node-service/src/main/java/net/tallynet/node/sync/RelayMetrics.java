package net.tallynet.node.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.p2p.LatencyBuckets;
import org.springframework.stereotype.Component;

/**
 * Relay and fetch meters: announcements sent and those suppressed because the peer already had the
 * object (the no-duplicates guarantee, made visible), block fetch latency (a histogram, so it
 * aggregates over nodes), re-requests, and pushed transactions dropped unchecked.
 */
@Component
class RelayMetrics {
    /** A loopback answer takes milliseconds, a loaded peer seconds; past the stall timeout it is re-requested. */
    private static final Duration[] FETCH_BUCKETS = LatencyBuckets.millis(2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10000, 30000, 60000);

    private final Counter blocksAnnounced;
    private final Counter blocksSuppressed;
    private final Counter transactionsAnnounced;
    private final Counter transactionsSuppressed;
    private final Counter transactionsMissed;
    private final Counter skipped;
    private final Counter stalled;
    private final Counter transactionsReassigned;
    private final Counter transactionsAbandoned;
    private final Counter transactionsRebroadcast;
    private final Counter listsIgnored;
    private final Counter blocksUnrequested;
    private final Map<String, Counter> headers = new HashMap<>();
    private final Timer fetchLatency;
    private final Map<TransactionDrop, Counter> dropped = new EnumMap<>(TransactionDrop.class);
    private final Map<OrphanTransactions.Outcome, Counter> orphans = new EnumMap<>(OrphanTransactions.Outcome.class);
    private final MeterRegistry meters;

    RelayMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (String outcome : List.of("queued", "presync", "low_work", "future")) {
            // registered at start, so a scrape shows each at 0 before it happens
            headers.put(outcome, Counter.builder("tallynet.headers").tag("outcome", outcome)
                    .description("LISTOFBLOCKS entries that passed the header checks, by what became of them")
                    .register(meters));
        }
        blocksUnrequested = Counter.builder("tallynet.blocks.unrequested")
                .description("BLOCK frames no checked header of ours asked for: ignored unvalidated (headers first)")
                .register(meters);
        blocksAnnounced = announcements(meters, "sent", "block");
        blocksSuppressed = announcements(meters, "suppressed", "block");
        transactionsAnnounced = announcements(meters, "sent", "transaction");
        transactionsSuppressed = announcements(meters, "suppressed", "transaction");
        transactionsMissed = Counter.builder("tallynet.announcements.missed").tag("kind", "transaction")
                .description("Transaction ids a peer was never announced: they left the relay backlog before its turn")
                .register(meters);
        skipped = rerequests(meters, "skipped");
        stalled = rerequests(meters, "stalled");
        transactionsReassigned = unreceived(meters, "reassigned");
        transactionsAbandoned = unreceived(meters, "abandoned");
        transactionsRebroadcast = Counter.builder("tallynet.transactions.rebroadcast")
                .description("The node's own transaction ids that no peer had asked for, queued to be announced to every"
                        + " peer again (once per id and round)")
                .register(meters);
        listsIgnored = Counter.builder("tallynet.lists.ignored")
                .description("LISTOFBLOCKS frames that answered no GETLISTOFBLOCKS of ours, ignored")
                .register(meters);
        fetchLatency = Timer.builder("tallynet.fetch.latency")
                .description("Time from a GETBLOCK for a block to its BLOCK")
                .serviceLevelObjectives(FETCH_BUCKETS).register(meters);
        for (TransactionDrop reason : TransactionDrop.values()) {
            dropped.put(reason, Counter.builder("tallynet.transactions.dropped").tag("reason", reason.label())
                    .description("Pushed transactions dropped without a check, by reason").register(meters));
        }
        for (OrphanTransactions.Outcome outcome : OrphanTransactions.Outcome.values()) {
            orphans.put(outcome, Counter.builder("tallynet.orphans").tag("outcome", outcome.label())
                    .description("Pushed transactions spending an output not known yet (orphans), by what became of them")
                    .register(meters));
        }
    }

    private static Counter announcements(MeterRegistry meters, String outcome, String kind) {
        return Counter.builder("tallynet.announcements." + outcome).tag("kind", kind)
                .description("suppressed".equals(outcome)
                        ? "Announcements not sent because the peer was known to have the object"
                        : "Announcements sent (one per block hash or transaction id)")
                .register(meters);
    }

    private static Counter rerequests(MeterRegistry meters, String cause) {
        return Counter.builder("tallynet.fetch.rerequests").tag("cause", cause)
                .description("Block requests moved to another peer: skipped (the peer lacked it) or stalled")
                .register(meters);
    }

    void blockAnnounced(boolean sent) {
        (sent ? blocksAnnounced : blocksSuppressed).increment();
    }

    void transactionsAnnounced(int sent, int suppressed) {
        transactionsAnnounced.increment(sent);
        transactionsSuppressed.increment(suppressed);
    }

    void announcementsMissed(long ids) {
        transactionsMissed.increment(ids);
    }

    void fetched(long nanos) {
        fetchLatency.record(Duration.ofNanos(nanos));
    }

    void listIgnored() {
        listsIgnored.increment();
    }

    void blockUnrequested() {
        blocksUnrequested.increment();
    }

    /**
     * Listed headers by what became of them: queued (their bodies wanted), presync (counted toward a
     * branch's work), low_work (a branch with less work than our tip: no body asked for), future
     * (beyond the clock's drift: left for a later list).
     */
    void headers(String outcome, int count) {
        headers.get(outcome).increment(count);
    }

    private static Counter unreceived(MeterRegistry meters, String outcome) {
        return Counter.builder("tallynet.transactions.unreceived").tag("outcome", outcome)
                .description("Requested transaction ids not received in time or whose peer left: asked from the next"
                        + " peer that announced them (reassigned), or forgotten, no other peer having announced them (abandoned)")
                .register(meters);
    }

    void transactionsRebroadcast(int ids) {
        transactionsRebroadcast.increment(ids);
    }

    /** The node's own transactions no peer has asked for yet, as a gauge. */
    void watch(UnbroadcastTransactions unbroadcast) {
        Gauge.builder("tallynet.transactions.unbroadcast", unbroadcast, UnbroadcastTransactions::size)
                .description("The node's own transactions (its REST API's, or restored at start) that no peer has asked"
                        + " for yet: announced again about each tallynet.relay.rebroadcast-interval").register(meters);
    }

    void transactionsUnreceived(int reassigned, int abandoned) {
        transactionsReassigned.increment(reassigned);
        transactionsAbandoned.increment(abandoned);
    }

    void moved(int skippedCount, int stalledCount) {
        skipped.increment(skippedCount);
        stalled.increment(stalledCount);
    }

    void transactionsDropped(TransactionDrop reason, int count) {
        dropped.get(reason).increment(count);
    }

    void orphans(OrphanTransactions.Outcome outcome, int count) {
        orphans.get(outcome).increment(count);
    }

    /** The orphans held now: {@code tallynet_orphans_held}. */
    void watch(OrphanTransactions<?> pool) {
        Gauge.builder("tallynet.orphans.held", pool, OrphanTransactions::size)
                .description("Transactions held for an output not known yet (PROTOCOL.md 7.5)").register(meters);
    }
}
