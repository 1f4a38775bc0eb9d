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
 * its peak working set: the cgroup's usage less inactive page cache, what the kernel cannot simply
 * drop under pressure and so what decides an out-of-memory kill (Kubernetes evicts on the same
 * figure). The raw peak usage, page cache included, is kept too where the engine reports it
 * (cgroup v1).
 */
final class ContainerMemory implements Closeable {
    final String name;
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
        if (stats != null) {
            Long inactive = stats.getTotalInactiveFile() != null ? stats.getTotalInactiveFile() : stats.getInactiveFile();
            inactiveFile = inactive == null ? 0 : inactive;
        }
        peakWorkingSet.accumulateAndGet(memory.getUsage() - inactiveFile, Math::max);
        if (memory.getMaxUsage() != null) {
            kernelPeak.accumulateAndGet(memory.getMaxUsage(), Math::max);
        }
        if (memory.getLimit() != null) {
            limit.set(memory.getLimit());
        }
        samples.incrementAndGet();
    }

    long peakWorkingSet() {
        return peakWorkingSet.get();
    }

    long limit() {
        return limit.get();
    }

    long samples() {
        return samples.get();
    }

    String summary() {
        return String.format("%-22s peak working set %5.1f MiB of %5.1f MiB (%4.1f%%), kernel peak usage with page cache %5.1f MiB, %d samples",
                name, mib(peakWorkingSet()), mib(limit()), 100.0 * peakWorkingSet() / Math.max(1, limit()),
                mib(kernelPeak.get()), samples());
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
