package net.tallynet.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.api.model.Statistics;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.DockerClientFactory;

/**
 * Follows a container's memory through the engine's stats stream (one sample a second) and keeps
 * three peaks. The one that decides an out-of-memory kill is the anonymous memory (the cgroup's
 * rss: the JVM's heap, metaspace, code, stacks and malloc), which the kernel cannot drop. The
 * others are printed for the record: the working set (usage less inactive page cache, what
 * Kubernetes evicts on) and the kernel's own peak usage; both include the page cache of the H2
 * files, which any container that writes files fills up to its limit and which the kernel reclaims
 * under pressure (seen: usage 511 of 512 MiB with 149 MiB of it page cache and 355 MiB anonymous).
 */
final class ContainerMemory implements Closeable {
    final String name;
    private final AtomicLong peakAnonymous = new AtomicLong();
    private final AtomicLong peakWorkingSet = new AtomicLong();
    private final AtomicLong kernelPeak = new AtomicLong();
    private final AtomicLong limit = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Closeable stream;

    private ContainerMemory(String id, DockerClient docker) {
        this.name = docker.inspectContainerCmd(id).exec().getName().replaceFirst("^/", "");
        this.stream = docker.statsCmd(id).exec(new ResultCallback.Adapter<Statistics>() {
            @Override
            public void onNext(Statistics statistics) {
                record(statistics.getMemoryStats());
            }
        });
    }

    static List<ContainerMemory> follow(List<String> containers) {
        DockerClient docker = DockerClientFactory.instance().client();
        List<ContainerMemory> followed = new ArrayList<>();
        containers.forEach(name -> followed.add(new ContainerMemory(name, docker)));
        return followed;
    }

    private void record(MemoryStatsConfig memory) {
        if (memory == null || memory.getUsage() == null) {
            return; // the container is not running (yet)
        }
        StatsConfig stats = memory.getStats();
        long inactiveFile = 0;
        long cache = 0;
        Long anonymous = null;
        if (stats != null) {
            inactiveFile = first(stats.getTotalInactiveFile(), stats.getInactiveFile(), 0L);
            cache = first(stats.getTotalCache(), stats.getCache(), 0L);
            anonymous = stats.getTotalRss() != null ? stats.getTotalRss() // cgroup v1
                    : stats.getActiveAnon() != null && stats.getInactiveAnon() != null
                    ? stats.getActiveAnon() + stats.getInactiveAnon() : null; // cgroup v2
        }
        peakAnonymous.accumulateAndGet(anonymous != null ? anonymous : memory.getUsage() - cache, Math::max);
        peakWorkingSet.accumulateAndGet(memory.getUsage() - inactiveFile, Math::max);
        if (memory.getMaxUsage() != null) {
            kernelPeak.accumulateAndGet(memory.getMaxUsage(), Math::max);
        }
        if (memory.getLimit() != null) {
            limit.set(memory.getLimit());
        }
        samples.incrementAndGet();
    }

    long peakAnonymous() {
        return peakAnonymous.get();
    }

    long limit() {
        return limit.get();
    }

    long samples() {
        return samples.get();
    }

    String summary() {
        return String.format("%-22s peak anonymous %5.1f MiB of %5.1f MiB (%4.1f%%); with page cache: working set %5.1f MiB, kernel peak %5.1f MiB; %d samples",
                name, mib(peakAnonymous()), mib(limit()), 100.0 * peakAnonymous() / Math.max(1, limit()),
                mib(peakWorkingSet.get()), mib(kernelPeak.get()), samples());
    }

    private static long first(Long preferred, Long fallback, long otherwise) {
        return preferred != null ? preferred : fallback != null ? fallback : otherwise;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
