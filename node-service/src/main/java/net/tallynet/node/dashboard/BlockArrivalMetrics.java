package net.tallynet.node.dashboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import net.tallynet.p2p.LatencyBuckets;
import org.springframework.stereotype.Component;

/**
 * Block arrivals as metrics (issue 14) without a series per block: the newest block's first-seen
 * time and number as two gauges, which an experiment lines up across nodes by number, and the
 * arrival delay as a histogram by source ({@code peer} or {@code local}), whose buckets sum over
 * nodes where per-block series would grow without bound.
 */
@Component
class BlockArrivalMetrics {
    /** From a block handed on over loopback to one that waited out stalled fetches. */
    private static final Duration[] DELAY_BUCKETS = LatencyBuckets.millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500,
            1000, 2500, 5000, 10000, 30000, 60000);

    private final Timer fromPeers;
    private final Timer local;
    private final AtomicReference<BlockArrivals.Arrival> newest = new AtomicReference<>();

    BlockArrivalMetrics(MeterRegistry meters) {
        // both sources registered at start, so a scrape shows each at 0 before its first block
        fromPeers = delay(meters, "peer");
        local = delay(meters, "local");
        // held strongly: a gauge whose object was collected reads NaN (outside Spring, a test's instance could be)
        Gauge.builder("tallynet.block.first.seen.timestamp", this, newest(a -> a.seenAt().toEpochMilli() / 1000.0))
                .baseUnit("seconds").strongReference(true)
                .description("When this node first connected its newest block, epoch seconds").register(meters);
        Gauge.builder("tallynet.block.first.seen.height", this, newest(BlockArrivals.Arrival::number)).strongReference(true)
                .description("The number of the block tallynet.block.first.seen.timestamp is about").register(meters);
    }

    private static Timer delay(MeterRegistry meters, String source) {
        return Timer.builder("tallynet.block.arrival.delay").tag("source", source)
                .description("Block connected less the block's own time stamp, by who brought it: a peer or this node")
                .serviceLevelObjectives(DELAY_BUCKETS).register(meters);
    }

    /** NaN until the first block since start: a time of 0 would read as 1970 in a comparison across nodes. */
    private static ToDoubleFunction<BlockArrivalMetrics> newest(ToDoubleFunction<BlockArrivals.Arrival> value) {
        return metrics -> {
            BlockArrivals.Arrival arrival = metrics.newest.get();
            return arrival == null ? Double.NaN : value.applyAsDouble(arrival);
        };
    }

    void arrived(BlockArrivals.Arrival arrival, boolean fromPeer) {
        // the miner and peers' threads connect blocks, and the ledger tells of them after letting go of the chain, so
        // in either order; a block's seenAt is when it is told, so a late telling carries the later time: the higher
        // block wins, and of two at one height (a switch to a branch of more work no longer) the one told last
        newest.accumulateAndGet(arrival, (old, next) -> old == null || next.number() > old.number()
                || next.number() == old.number() && !next.seenAt().isBefore(old.seenAt()) ? next : old);
        // a miner's clock ahead of ours gives a negative delay, which a Timer would drop: it counts as no delay
        (fromPeer ? fromPeers : local).record(Duration.ofMillis(Math.max(0, arrival.delayMillis())));
    }
}
