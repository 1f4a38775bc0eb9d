package net.tallynet.node.network.flood;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import net.tallynet.node.NodeProcess;
import tools.jackson.databind.JsonNode;

/**
 * An honest member: a fresh node process whose only seed is the source node, timed from its start
 * and from its first block until it holds the source's tip, then stopped. It must answer REST within
 * 180 s of its start and then hold the tip within the timeout. The figure from the first
 * block leaves the JVM's start-up out, which on a busy machine is most of a short sync.
 */
final class HonestSync {

    /** {@code finished} false when the tip was not reached within the time allowed. */
    record Timing(boolean finished, double fromStartSeconds, double fromFirstBlockSeconds) {
    }

    /** How long the honest node's JVM may take to answer REST at all, before the sync's own timeout starts. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private HonestSync() {
    }

    static Timing run(Path dataDir, int sourcePort, String tipHash, Duration timeout) throws IOException,
            InterruptedException {
        int port = NodeProcess.freePort();
        long start = System.nanoTime();
        Process node = NodeProcess.start(dataDir, port, "--tallynet.peers.seeds=127.0.0.1:" + sourcePort,
                "--tallynet.peers.connect-interval=300ms");
        try {
            // the sync gets its timeout from the moment the node answers REST: its JVM's start on a
            // flooded 2-core machine took 67 to 98 s in some runs, and counted in, it failed honest syncs
            // that then took 20 s
            long deadline = start + START_TIMEOUT.toNanos();
            boolean answering = false;
            long firstBlock = 0;
            while (System.nanoTime() < deadline && node.isAlive()) {
                JsonNode chain = chainOrNull(port);
                if (chain != null && !answering) {
                    answering = true;
                    deadline = System.nanoTime() + timeout.toNanos();
                }
                if (chain != null) {
                    if (firstBlock == 0 && chain.get("height").asLong() >= 1) {
                        firstBlock = System.nanoTime();
                    }
                    if (tipHash.equals(chain.get("bestHash").asString())) {
                        long end = System.nanoTime();
                        return new Timing(true, seconds(end - start), seconds(end - (firstBlock == 0 ? end : firstBlock)));
                    }
                }
                LockSupport.parkNanos(20_000_000L);
            }
            return new Timing(false, Double.NaN, Double.NaN);
        } finally {
            NodeProcess.stop(node, Duration.ofSeconds(20));
        }
    }

    private static JsonNode chainOrNull(int port) {
        try {
            return NodeProcess.chain(port);
        } catch (RuntimeException e) {
            return null; // not listening yet
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
