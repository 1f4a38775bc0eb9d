package net.tallynet.node.network.flood;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running flood: {@code count} flooders on virtual threads, the kinds dealt round-robin and every
 * other round paced, so each kind has peers within the node's per-peer limits and peers beyond them.
 * Closing it stops them all and closes their sockets.
 */
final class Flood implements AutoCloseable {
    private final ExecutorService flooders = Executors.newVirtualThreadPerTaskExecutor();
    private final FloodCounters counters = new FloodCounters();
    private final FloodAddresses addresses = new FloodAddresses();
    private volatile boolean flooding = true;

    Flood(int port, int count, FloodFrames frames) {
        FloodKind[] kinds = FloodKind.values();
        for (int i = 0; i < count; i++) {
            boolean paced = (i / kinds.length) % 2 == 0;
            flooders.submit(new Flooder(port, kinds[i % kinds.length], paced, frames, addresses, counters,
                    () -> flooding));
        }
    }

    FloodCounters counters() {
        return counters;
    }

    /** Source addresses taken so far: one per flooder, and one more for each ban. */
    int addressesUsed() {
        return addresses.used();
    }

    @Override
    public void close() throws InterruptedException {
        flooding = false;
        // interrupting a virtual thread blocked in socket I/O closes that socket: no flooder hangs in a write
        flooders.shutdownNow();
        flooders.awaitTermination(30, TimeUnit.SECONDS);
    }
}
