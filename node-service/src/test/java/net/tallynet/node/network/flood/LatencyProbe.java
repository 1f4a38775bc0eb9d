package net.tallynet.node.network.flood;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import net.tallynet.node.NodeProcess;

/**
 * A REST client that asks the node {@code GET /api/chain} and {@code GET /actuator/health} in turn
 * every 20 ms for as long as it runs, recording every latency, so one process's latency before and
 * during a flood can be compared. It runs on a platform thread of its own, not among the flooders'
 * virtual threads, so that they delay its own scheduling as little as possible. It asks on the
 * node's API port ({@link NodeProcess#get}), where an operator's REST calls go, not on the P2P port
 * the flooders hit (which serves only {@code /p2p}).
 */
final class LatencyProbe implements AutoCloseable {
    private static final long INTERVAL_NANOS = 20_000_000L;
    private static final String[] PATHS = {"/api/chain", "/actuator/health"};

    /** One request: when it was sent, how long it took, whether it was answered 200. */
    private record Sample(long startNanos, long nanos, boolean ok) {
    }

    private final int port;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    LatencyProbe(int port) {
        this.port = port;
        thread = Thread.ofPlatform().name("rest-latency-probe").daemon().start(this::poll);
    }

    private void poll() {
        long next = System.nanoTime();
        for (int n = 0; running; n++) {
            long start = System.nanoTime();
            boolean ok;
            try {
                ok = NodeProcess.get(port, PATHS[n % PATHS.length]).statusCode() == 200;
            } catch (RuntimeException e) {
                ok = false;
            }
            long nanos = System.nanoTime() - start;
            synchronized (samples) {
                samples.add(new Sample(start, nanos, ok));
            }
            next = Math.max(next + INTERVAL_NANOS, System.nanoTime());
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** Latencies of the requests sent between {@code fromNanos} and {@code toNanos} (System.nanoTime). */
    Latencies between(long fromNanos, long toNanos) {
        List<Long> nanos = new ArrayList<>();
        int failed = 0;
        synchronized (samples) {
            for (Sample sample : samples) {
                if (sample.startNanos() >= fromNanos && sample.startNanos() < toNanos) {
                    nanos.add(sample.nanos());
                    failed += sample.ok() ? 0 : 1;
                }
            }
        }
        return Latencies.of(nanos, failed);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
