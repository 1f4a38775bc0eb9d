package net.tallynet.p2p;

import java.time.Duration;
import java.util.Arrays;

/**
 * Histogram bucket bounds for the services' latency timers. Timers publish buckets rather than
 * per-process percentiles, because only buckets can be summed over nodes before histogram_quantile.
 */
public final class LatencyBuckets {
    private LatencyBuckets() {
    }

    public static Duration[] millis(double... bounds) {
        return Arrays.stream(bounds).mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1_000_000))).toArray(Duration[]::new);
    }
}
