package net.tallynet.node.network.flood;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.RawPeer;
import net.tallynet.p2p.P2pProperties;

/**
 * Issue 11, "no remote peer can exhaust a node": one node process with a chain, flooded by many
 * inbound peers from different 127.x addresses while an honest member syncs from it and a newcomer
 * connects at the end; REST latency and RSS are measured on the same process before and during the
 * flood. Used by {@link FloodTest} (loose bounds) and {@link FloodBenchmark} (the figures).
 */
final class FloodHarness {
    /** The service JVM of scripts/service-jvm.sh with the heap bound the issue states, 384 MB instead of 256. */
    static final List<String> SERVICE_JVM = NodeProcess.serviceJvm("384m");
    /**
     * Further options for the flooded node, given last so that they win, e.g. to look inside it during a
     * run: {@code -Dtallynet.bench.jvm="-XX:NativeMemoryTracking=summary"} (then {@code jcmd <pid>
     * VM.native_memory summary}).
     */
    private static final List<String> EXTRA_JVM = List.of(System.getProperty("tallynet.bench.jvm", "").trim().split("\\s+"))
            .stream().filter(option -> !option.isEmpty()).toList();
    private static final String TOKEN = "flood-harness-token";
    private static final Duration BASELINE = Duration.ofSeconds(5);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(120);
    /** A node stops in a few seconds; one that takes longer is stuck (a deadlock found by this flood). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** The newcomer uses an address of its own, outside the flooders' 127.1+ range. */
    private static final String NEWCOMER_HOST = "127.0.0.9";

    /**
     * @param blocks     chain length the node serves
     * @param flooders   flooding peers at once
     * @param minFlood   the flood lasts at least this long, and until the honest member has synced
     * @param maxInbound the node's {@code tallynet.peers.max-inbound}: room for every flooder and the honest peers
     * @param syncBaseline time an honest sync before the flood too (a benchmark's baseline; a test can skip it)
     */
    record Settings(int blocks, int flooders, Duration minFlood, int maxInbound, boolean syncBaseline) {
    }

    private FloodHarness() {
    }

    /** The flooded node's JVM options, as the figures print them. */
    static String jvmDescription() {
        return String.join(" ", SERVICE_JVM) + (EXTRA_JVM.isEmpty() ? "" : " " + String.join(" ", EXTRA_JVM));
    }

    static FloodFigures run(Path dir, Settings settings) throws Exception {
        int port = NodeProcess.freePort();
        Path gcLog = Files.createDirectories(dir).resolve("flooded-gc.log");
        List<String> jvm = new ArrayList<>(SERVICE_JVM);
        jvm.add(GcPauses.logOption(gcLog));
        jvm.addAll(EXTRA_JVM);
        Process node = NodeProcess.start(dir.resolve("flooded"), port, jvm, NodeProcess.SERVICE_ENVIRONMENT,
                "--tallynet.api.token=" + TOKEN, "--tallynet.peers.max-inbound=" + settings.maxInbound());
        try (RssSampler rss = new RssSampler(node.pid())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> NodeProcess.get(port, "/actuator/health/readiness").statusCode() == 200);
            NodeProcess.post(port, "/api/blocks/generate", TOKEN, "{\"count\":" + settings.blocks() + "}");
            String tip = NodeProcess.chain(port).get("bestHash").asString();
            String genesis = NodeProcess.json(NodeProcess.get(port, "/api/blocks/0")).get("hash").asString();

            try (LatencyProbe probe = new LatencyProbe(port)) {
                sleep(Duration.ofSeconds(1)); // the first requests warm up both sides' code paths
                NodeMetrics metricsAtStart = NodeMetrics.scrape(port);
                long baselineStart = System.nanoTime();
                sleep(BASELINE);
                Latencies restBefore = probe.between(baselineStart, System.nanoTime());

                HonestSync.Timing syncBefore = settings.syncBaseline()
                        ? HonestSync.run(dir.resolve("honest-before"), port, tip, SYNC_TIMEOUT)
                        : new HonestSync.Timing(false, Double.NaN, Double.NaN);
                double rssBefore = rss.peakMib(0, System.nanoTime());
                NodeMetrics beforeFlood = NodeMetrics.scrape(port);
                GcPauses gcBefore = GcPauses.read(gcLog);

                FloodFrames frames = new FloodFrames(genesis, settings.blocks(), P2pProperties.defaults().maxFrameBytes());
                long floodStart = System.nanoTime();
                double nodeCpuBefore = cpuSeconds(node.toHandle());
                double harnessCpuBefore = cpuSeconds(ProcessHandle.current());
                HonestSync.Timing syncDuring;
                Newcomer newcomer;
                FloodCounters counters;
                int addresses;
                try (Flood flood = new Flood(port, settings.flooders(), frames)) {
                    sleep(Duration.ofSeconds(2)); // the flood at full strength before the honest member starts
                    syncDuring = HonestSync.run(dir.resolve("honest-during"), port, tip, SYNC_TIMEOUT);
                    sleep(settings.minFlood().minusNanos(System.nanoTime() - floodStart));
                    newcomer = Newcomer.connect(port);
                    counters = flood.counters();
                    addresses = flood.addressesUsed();
                }
                long floodEnd = System.nanoTime();
                double[] cpu = {cpuSeconds(node.toHandle()) - nodeCpuBefore,
                    cpuSeconds(ProcessHandle.current()) - harnessCpuBefore};
                boolean alive = node.isAlive() && NodeProcess.get(port, "/actuator/health").statusCode() == 200;
                NodeMetrics after = NodeMetrics.scrape(port);
                FloodFigures figures = new FloodFigures(settings, (floodEnd - floodStart) / 1e9, restBefore,
                        probe.between(floodStart, floodEnd), rssBefore, rss.peakMib(floodStart, floodEnd), syncBefore,
                        syncDuring, gcBefore, GcPauses.read(gcLog), newcomer, counters, addresses,
                        beforeFlood.chainRequestsSince(metricsAtStart), after.chainRequestsSince(beforeFlood), cpu,
                        after, alive, false);
                return figures.stoppedOnSigterm(NodeProcess.stop(node, STOP_GRACE));
            }
        } finally {
            NodeProcess.stop(node, STOP_GRACE);
        }
    }

    /** The honest newcomer: its handshake time, or why it failed. */
    record Newcomer(boolean connected, double handshakeMillis, String failure) {
        static Newcomer connect(int port) {
            byte[] id = new byte[8];
            ThreadLocalRandom.current().nextBytes(id);
            long start = System.nanoTime();
            try (RawPeer peer = RawPeer.handshaken(port, NEWCOMER_HOST, HexFormat.of().formatHex(id))) {
                return new Newcomer(true, (System.nanoTime() - start) / 1e6, "");
            } catch (IOException e) {
                return new Newcomer(false, (System.nanoTime() - start) / 1e6, String.valueOf(e.getMessage()).strip());
            }
        }
    }

    /** CPU time a process has used so far, user and system. */
    private static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
    }

    private static void sleep(Duration duration) {
        if (duration.isPositive()) {
            LockSupport.parkNanos(duration.toNanos());
        }
    }
}
