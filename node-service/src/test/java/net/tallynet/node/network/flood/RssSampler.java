package net.tallynet.node.network.flood;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The resident set size of one process, read from {@code /proc/<pid>/status} (VmRSS) every 500 ms:
 * what the machine, or a container's memory limit, actually pays for the node, heap or not.
 */
final class RssSampler implements AutoCloseable {
    private static final long INTERVAL_NANOS = 500_000_000L;

    private record Sample(long atNanos, long kib) {
    }

    private final Path status;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long pid) {
        status = Path.of("/proc", Long.toString(pid), "status");
        thread = Thread.ofPlatform().name("rss-sampler").daemon().start(this::sample);
    }

    private void sample() {
        while (running) {
            long kib = read();
            if (kib >= 0) {
                synchronized (samples) {
                    samples.add(new Sample(System.nanoTime(), kib));
                }
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    private long read() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone (or not on Linux): no sample
        }
        return -1;
    }

    /** The highest RSS sampled between the two times (System.nanoTime), in MiB; 0 when none was. */
    double peakMib(long fromNanos, long toNanos) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.atNanos() >= fromNanos && s.atNanos() < toNanos)
                    .mapToLong(Sample::kib).max().orElse(0) / 1024.0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2_000);
    }
}
