package net.tallynet.p2p.websocket;

import java.util.concurrent.Semaphore;

/**
 * How many peers' frames are handled at once ({@code tallynet.peers.work-threads}). Each peer has a
 * thread of the container's pool; without this bound 80 flooding peers kept 80 threads runnable, and a
 * REST request, a health check or the collector got a share of the cores as one thread among them
 * (README "Flood": REST p99 during the flood fell from about 0.2 s to 0.06 s). Frames waiting here are
 * not read further, so TCP slows their senders. First come, first served: an honest peer waits behind
 * at most one frame of each other peer.
 */
final class PeerWork {
    private final Semaphore threads;

    PeerWork(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one work thread");
        }
        this.threads = new Semaphore(threads, true);
    }

    /** Handles one frame once a work thread is free; throws if interrupted while waiting (the service is stopping). */
    void handle(Runnable handling) throws InterruptedException {
        threads.acquire();
        try {
            handling.run();
        } finally {
            threads.release();
        }
    }

    /** Frames waiting for a work thread now. */
    int waiting() {
        return threads.getQueueLength();
    }
}
