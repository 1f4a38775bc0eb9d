package net.tallynet.node.network.flood;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** What one flood run measured, and its table: every figure during the flood beside the same one before it. */
record FloodFigures(FloodHarness.Settings settings, double floodSeconds, Latencies restBefore, Latencies restDuring,
        double rssBeforeMib, double rssDuringMib, HonestSync.Timing syncBefore, HonestSync.Timing syncDuring,
        GcPauses gcBefore, GcPauses gcAfter,
        FloodHarness.Newcomer newcomer, FloodCounters flooders, int addressesUsed,
        long[] serverTimedBefore, long[] serverTimedDuring, double[] cpuSecondsDuring, NodeMetrics node, boolean nodeAlive,
        boolean stoppedOnSigterm) {

    FloodFigures stoppedOnSigterm(boolean stopped) {
        return new FloodFigures(settings, floodSeconds, restBefore, restDuring, rssBeforeMib, rssDuringMib, syncBefore,
                syncDuring, gcBefore, gcAfter, newcomer, flooders, addressesUsed,
                serverTimedBefore, serverTimedDuring, cpuSecondsDuring, node, nodeAlive, stopped);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Flood benchmark: one node (%s), %d blocks, %d flooding peers for %.0f s;"
                        + " %d cores, load %s%n", FloodHarness.jvmDescription(), settings.blocks(),
                settings.flooders(), floodSeconds, Runtime.getRuntime().availableProcessors(), load()));
        out.append(String.format("  %-40s %12s %12s %8s%n", "", "before flood", "during flood", "ratio"));
        row(out, "REST p50 (ms)", restBefore.p50(), restDuring.p50());
        row(out, "REST p99 (ms)", restBefore.p99(), restDuring.p99());
        row(out, "REST max (ms)", restBefore.max(), restDuring.max());
        out.append(String.format("  %-40s %12s %12s%n", "REST requests (failed)",
                restBefore.requests() + " (" + restBefore.failed() + ")",
                restDuring.requests() + " (" + restDuring.failed() + ")"));
        out.append(String.format("  %-40s %12s %12s%n", "/api/chain timed by the node: over 100 ms",
                serverTimedBefore[1] + " of " + serverTimedBefore[0], serverTimedDuring[1] + " of " + serverTimedDuring[0]));
        row(out, "peak RSS (MiB)", rssBeforeMib, rssDuringMib);
        row(out, "honest sync, first block to tip (s)", syncBefore.fromFirstBlockSeconds(),
                syncDuring.fromFirstBlockSeconds());
        row(out, "honest sync, process start to tip (s)", syncBefore.fromStartSeconds(), syncDuring.fromStartSeconds());
        out.append(String.format("  %-40s %12d %12d%n", "node GC pauses, young + full", gcBefore.young() + gcBefore.full(),
                gcAfter.young() + gcAfter.full() - gcBefore.young() - gcBefore.full()));
        out.append(String.format("  %-40s %12d %12d%n", "node GC pauses, full", gcBefore.full(),
                gcAfter.full() - gcBefore.full()));
        out.append(String.format("  %-40s %12.0f %12.0f%n", "node GC pause time, total (ms)", gcBefore.totalMillis(),
                gcAfter.totalMillis() - gcBefore.totalMillis()));
        out.append(String.format("  %-40s %12.0f %12.0f%n", "node GC pause, longest so far (ms)", gcBefore.maxMillis(),
                gcAfter.maxMillis()));
        out.append(String.format("  %-40s %12s %12.1f%n", "node GC pause share of the flood (%)", "",
                100 * (gcAfter.totalMillis() - gcBefore.totalMillis()) / 1000 / floodSeconds));
        out.append(String.format("  %-40s %12d %12d%n", "node heap committed, most so far (MiB)", gcBefore.maxCommittedMib(),
                gcAfter.maxCommittedMib()));
        out.append(String.format("  %-40s %12d %12d%n", "node heap in use after last full GC (MiB)",
                gcBefore.liveAfterFullMib(), gcAfter.liveAfterFullMib()));
        out.append(String.format("  CPU during the flood: node %.0f s, flooders and probes (this JVM) %.0f s, of %.0f s"
                        + " x %d cores%n", cpuSecondsDuring[0], cpuSecondsDuring[1], floodSeconds,
                Runtime.getRuntime().availableProcessors()));
        out.append(String.format("  honest sync finished: %s before, %s during%n",
                settings.syncBaseline() ? yes(syncBefore.finished()) : "not measured", yes(syncDuring.finished())));
        out.append(String.format("  newcomer handshake: %s in %.0f ms%s%n", newcomer.connected() ? "connected" : "FAILED",
                newcomer.handshakeMillis(), newcomer.connected() ? "" : " (" + newcomer.failure() + ")"));
        out.append(String.format("  node alive and healthy after the flood: %s%n", yes(nodeAlive)));
        out.append(String.format("  node stopped on SIGTERM within 20 s after the flood: %s%n", yes(stoppedOnSigterm)));
        out.append(String.format("  flooders wrote %d frames (%s), %.0f MB; received %.0f MB%n", flooders.framesSent(),
                flooders.frames.entrySet().stream().map(e -> e.getKey().name().toLowerCase() + " " + e.getValue().sum())
                        .collect(Collectors.joining(", ")),
                flooders.bytesSent.sum() / 1e6, flooders.bytesReceived.sum() / 1e6));
        out.append(String.format("  flooders: %d handshakes, %d dropped by the node, %d refused banned (403),"
                        + " %d refused full (503), %d failed otherwise; %d addresses used%n",
                flooders.connections.sum(), flooders.dropped.sum(), flooders.refusedBanned.sum(),
                flooders.refusedFull.sum(), flooders.failed.sum(), addressesUsed));
        out.append("  node: frames received ").append(node.byLabel("tallynet_frames_received_total", "method")).append('\n');
        out.append("  node: frames rejected ").append(node.byLabel("tallynet_frames_rejected_total", "reason")).append('\n');
        out.append("  node: connections refused ").append(node.byLabel("tallynet_connections_refused_total", "reason"))
                .append('\n');
        out.append("  node: connections closed ").append(node.byLabel("tallynet_connections_closed_total", "reason"))
                .append('\n');
        out.append(String.format("  node: %d addresses banned, %.0f MB of frames sent%n",
                node.total("tallynet_bans_total"), node.total("tallynet_frames_sent_bytes_total") / 1e6));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, double before, double during) {
        out.append(String.format("  %-40s %12.1f %12.1f %7.1fx%n", name, before, during, during / before));
    }

    private static String yes(boolean value) {
        return value ? "yes" : "NO";
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
