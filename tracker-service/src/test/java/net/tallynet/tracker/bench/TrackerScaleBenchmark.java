package net.tallynet.tracker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.tracker.FakeMembers;
import net.tallynet.tracker.TrackerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the test command (the name does not end in Test): run with
 * {@code ./tallynet bench-tracker [members,...]} (default 1000,10000,100000). For each size, a tracker
 * in its own JVM (from the packaged jar with its AOT cache and the full JIT: {@link #launch}; {@code -Xmx512m}, or
 * {@code -Dtallynet.bench.heap}; the service JVM's collector and heap policy, every setting at its
 * default: 30 s checks, rate limits, caps), and in this JVM that many simulated members: each
 * listens on its own loopback address and port (20 per host 127.a.b.1, 50 hosts per 127.a: the
 * tracker's per-host and per-network caps hold) and registers from its own address as a node does
 * (a connection each, which the tracker closes). Then it watches a window of checks. Prints the
 * registration rate, the time between two checks of a member (median, p99), checks that failed
 * (every member is alive: all are false failures), the tracker's CPU and RSS, and GET /api/members
 * latency during registration and during checks; with a baseline measured in the same run: plain
 * loopback TCP connections to the same members.
 */
class TrackerScaleBenchmark {
    private static final int PER_HOST = 20;
    private static final int HOSTS_PER_NETWORK = 50;
    private static final int FIRST_PORT = 21_000;
    /** The tracker's heap limit (-Dtallynet.bench.heap): 512m as in the measurements. */
    private static final String HEAP = System.getProperty("tallynet.bench.heap", "512m");
    /** The packaged tracker ({@link #launch}); empty: the test class path. */
    private static final String JAR = System.getProperty("tallynet.tracker.jar", "");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void trackerAtScale() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("tallynet.bench.members", "1000,10000,100000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Duration window = Duration.ofSeconds(Long.getLong("tallynet.bench.window", 70));
        int concurrency = Integer.getInteger("tallynet.bench.concurrency", 64);
        List<String> summary = new ArrayList<>();
        long firstLive = -1;
        int firstSize = -1;
        for (int size : sizes) {
            Result result = run(size, window, concurrency);
            summary.add(result.line());
            // what a member costs: the live heap's growth (RSS follows the collector's sizing more than the members)
            if (firstLive < 0) {
                firstLive = result.liveKb();
                firstSize = size;
            } else if (size > firstSize) {
                summary.add(String.format("    memory per member, from %,d to %,d members: %,d bytes of live heap", firstSize,
                        size, (result.liveKb() - firstLive) * 1024 / (size - firstSize)));
            }
        }
        System.out.printf("%nTracker scale summary, the tracker %s, heap -Xmx%s (goals: >= 2,000 registrations/s, p99 between checks <= 36 s, "
                + "0 false failures, GET /api/members p99 < 50 ms, RSS < 512 MB)%n", launched(), HEAP);
        summary.forEach(System.out::println);
        System.out.println();
    }

    private Result run(int size, Duration window, int concurrency) throws Exception {
        List<InetSocketAddress> addresses = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            addresses.add(new InetSocketAddress(host(i), FIRST_PORT + i % PER_HOST));
        }
        CheckTimes times = new CheckTimes(size);
        long bindStart = System.nanoTime();
        List<Integer> ports = java.util.stream.IntStream.range(FIRST_PORT, FIRST_PORT + PER_HOST).boxed().toList();
        try (FakeMembers members = FakeMembers.onEveryLoopbackAddress(ports, TrackerScaleBenchmark::member,
                times::answered)) {
            long bound = System.nanoTime() - bindStart;
            double baseline = plainConnections(addresses, concurrency, Duration.ofSeconds(3));
            Path data = Files.createDirectories(dir.resolve("tracker-" + size));
            int p2p = freePort();
            int api = freePort();
            Process tracker = startTracker(data, p2p, api);
            try {
                long started = System.nanoTime();
                awaitHealthy(api, tracker);
                Duration start = Duration.ofNanos(System.nanoTime() - started);
                System.out.printf("%nTracker scale benchmark: %,d members on %,d loopback hosts (%d each), "
                                + "listening after %,d ms; tracker healthy in %,d ms%n", size,
                        (size + PER_HOST - 1) / PER_HOST, PER_HOST, bound / 1_000_000, start.toMillis());
                System.out.printf("  baseline: plain loopback TCP connections to the members, %d at once: %,.0f/s%n",
                        concurrency, baseline);

                RestProbe probe = new RestProbe(api);
                Thread probing = Thread.ofVirtual().start(probe);
                long cpuBefore = cpu(tracker);
                long membersCpuBefore = cpu(ProcessHandle.current());
                long registrationStart = System.nanoTime();
                Registrations registrations = register(addresses, new InetSocketAddress("127.0.0.1", p2p), concurrency);
                double registrationSeconds = (System.nanoTime() - registrationStart) / 1e9;
                double registrationCores = (cpu(tracker) - cpuBefore) / 1e9 / registrationSeconds;
                // the simulated members share the machine: what they take is not the tracker's to use
                double memberCores = (cpu(ProcessHandle.current()) - membersCpuBefore) / 1e9 / registrationSeconds;
                List<Long> restDuringRegistration = probe.take();
                System.out.printf("  registration: %,d in %.1f s = %,.0f/s (%.2f of the baseline's connections/s); "
                                + "refused %,d, failed %,d%s; tracker CPU %.2f cores, %.2f ms a registration; the members' "
                                + "JVM %.2f cores%n",
                        registrations.ok.get(), registrationSeconds, registrations.ok.get() / registrationSeconds,
                        registrations.ok.get() / registrationSeconds / baseline, registrations.refused.get(),
                        registrations.failed.get(), registrations.firstProblem(), registrationCores,
                        registrationCores * 1000 / (registrations.ok.get() / registrationSeconds), memberCores);
                long active = activeMembers(api);

                // the window: every member should be checked about once per interval (30 s) in it
                long windowStart = System.nanoTime();
                times.observeFrom();
                Checks before = checks(api);
                cpuBefore = cpu(tracker);
                Thread.sleep(window.toMillis());
                double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
                double checkCores = (cpu(tracker) - cpuBefore) / 1e9 / windowSeconds;
                Checks after = checks(api);
                List<Long> restDuringChecks = probe.take();
                probing.interrupt();
                int[] intervals = times.sortedIntervals();
                long rss = status(tracker, "VmRSS");
                long peak = status(tracker, "VmHWM");
                long live = liveHeapKb(tracker);
                Checks failures = after.minus(before);
                System.out.printf("  active at the tracker after registration: %,d%n", active);
                System.out.printf("  window of %.0f s: %,d checks answered (%,.0f/s; %,.0f/s keeps %,d members on a "
                                + "30 s schedule), %,d of %,d members checked%n", windowSeconds, times.answers(),
                        times.answers() / windowSeconds, size / 30.0, size, times.checkedMembers(), size);
                System.out.printf("  time between two checks of a member: median %s, p99 %s, max %s (goal p99 <= 36 s)%n",
                        seconds(percentile(intervals, 0.5)), seconds(percentile(intervals, 0.99)),
                        seconds(intervals.length == 0 ? -1 : intervals[intervals.length - 1]));
                System.out.printf("  false failures: %,d (timeout %,d, unreachable %,d, bad answer %,d) of %,d checks "
                        + "the tracker made (goal 0)%n", failures.failed(), failures.timeout, failures.unreachable,
                        failures.badAnswer, failures.total());
                System.out.printf("  tracker CPU during the window: %.2f cores; RSS %,d MB, peak %,d MB (goal < 512 MB); "
                        + "heap live after a full collection %,d MB%n", checkCores, rss / 1024, peak / 1024, live / 1024);
                System.out.printf("  GET /api/members: during registration p50 %s p99 %s (%d requests); "
                                + "during checks p50 %s p99 %s (%d requests) (goal p99 < 50 ms)%n",
                        millis(restDuringRegistration, 0.5), millis(restDuringRegistration, 0.99),
                        restDuringRegistration.size(), millis(restDuringChecks, 0.5), millis(restDuringChecks, 0.99),
                        restDuringChecks.size());
                assertThat(registrations.ok.get()).as("members registered").isEqualTo(size);
                return new Result(size, registrations.ok.get() / registrationSeconds, percentile(intervals, 0.5),
                        percentile(intervals, 0.99), size - times.checkedMembers(), failures.failed(), checkCores, rss,
                        peak, live, millis(restDuringChecks, 0.99), millis(restDuringRegistration, 0.99), baseline);
            } finally {
                tracker.destroy();
                if (!tracker.waitFor(20, TimeUnit.SECONDS)) {
                    tracker.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** Member {@code i}'s host: 20 members a host, 50 hosts a /16 (the tracker's defaults allow 100 and 1,000). */
    private static String host(int i) {
        int host = i / PER_HOST;
        return "127." + (1 + host / HOSTS_PER_NETWORK) + "." + (host % HOSTS_PER_NETWORK) + ".1";
    }

    /** The member listening at {@code address}: the inverse of {@link #host} and the port. */
    private static int member(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        int host = ((ip[1] & 0xff) - 1) * HOSTS_PER_NETWORK + (ip[2] & 0xff);
        return host * PER_HOST + address.getPort() - FIRST_PORT;
    }

    private record Result(int size, double registrationsPerSecond, int medianMillis, int p99Millis, int unchecked,
                          long falseFailures, double checkCores, long rssKb, long peakKb, long liveKb, String restP99,
                          String restP99Registering, double baseline) {
        String line() {
            return String.format("  %,7d members: %,6.0f registrations/s (baseline %,.0f connections/s); between checks "
                            + "median %s p99 %s, %,d not checked in the window; %,d false failures; CPU %.2f cores; "
                            + "RSS %,d MB (peak %,d, live heap %,d); GET /api/members p99 %s (%s while registering)", size,
                    registrationsPerSecond, baseline, seconds(medianMillis), seconds(p99Millis), unchecked, falseFailures,
                    checkCores, rssKb / 1024, peakKb / 1024, liveKb / 1024, restP99, restP99Registering);
        }
    }

    private static final class Registrations {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());

        String firstProblem() {
            return problems.isEmpty() ? "" : " (first: " + problems.getFirst() + ")";
        }
    }

    /**
     * Every member registers once, {@code concurrency} at a time, each from its own address; a connection
     * that fails outright is tried again up to twice (counted as failed only then).
     */
    private static Registrations register(List<InetSocketAddress> members, InetSocketAddress tracker, int concurrency)
            throws InterruptedException {
        Registrations result = new Registrations();
        Semaphore slots = new Semaphore(concurrency);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < members.size(); i++) {
                InetSocketAddress member = members.get(i);
                String nodeId = String.format("b%015x", i + 1);
                slots.acquire();
                threads.execute(() -> {
                    try {
                        for (int attempt = 1; ; attempt++) {
                            try {
                                RawRegistration.Outcome outcome = RawRegistration.register(tracker, member.getHostString(),
                                        member.getPort(), nodeId);
                                if (outcome.registered()) {
                                    result.ok.incrementAndGet();
                                } else {
                                    result.refused.incrementAndGet();
                                    result.problems.add(outcome.refusal());
                                }
                                break;
                            } catch (IOException e) {
                                if (attempt == 3) {
                                    result.failed.incrementAndGet();
                                    result.problems.add(e.toString());
                                    break;
                                }
                            }
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return result;
    }

    /** Connections per second that plain TCP makes to the members (connect, close) from this JVM, as a baseline. */
    private static double plainConnections(List<InetSocketAddress> members, int concurrency, Duration time)
            throws InterruptedException {
        AtomicLong made = new AtomicLong();
        long end = System.nanoTime() + time.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < concurrency; t++) {
                int first = t;
                threads.execute(() -> {
                    for (int i = first; System.nanoTime() < end; i += concurrency) {
                        try (Socket socket = new Socket()) {
                            socket.connect(members.get(i % members.size()), 5000);
                            made.incrementAndGet();
                        } catch (IOException ignored) {
                            // counted as not made
                        }
                    }
                });
            }
        }
        return made.get() / (time.toNanos() / 1e9);
    }

    /** GET /api/members (the default page) five times a second, each latency kept until {@link #take}. */
    private static final class RestProbe implements Runnable {
        private final URI uri;
        private final List<Long> latencies = new ArrayList<>();

        RestProbe(int api) {
            uri = URI.create("http://127.0.0.1:" + api + "/api/members");
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                long start = System.nanoTime();
                try {
                    HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    synchronized (latencies) {
                        latencies.add((System.nanoTime() - start) / 1_000_000);
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    // the tracker stopping: the next try or the interrupt ends this
                }
            }
        }

        List<Long> take() {
            synchronized (latencies) {
                List<Long> taken = new ArrayList<>(latencies);
                latencies.clear();
                Collections.sort(taken);
                return taken;
            }
        }
    }

    private Process startTracker(Path data, int p2p, int api) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = data.resolve("tracker.log").toFile();
        // the services' collector; -Dtallynet.bench.trackerCollector=-XX:+UseG1GC compares G1 (README "Tracker scale")
        List<String> command = new ArrayList<>(List.of(java, System.getProperty("tallynet.bench.trackerCollector",
                "-XX:+UseSerialGC"), "-Xms16m", "-Xmx" + HEAP,
                "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40", "-XX:-ShrinkHeapInSteps",
                "-XX:TrimNativeHeapInterval=5000"));
        // -Dtallynet.bench.trackerJvm="-XX:StartFlightRecording=..." profiles the tracker
        String extra = System.getProperty("tallynet.bench.trackerJvm", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(launch());
        command.addAll(List.of("--server.port=" + p2p, "--server.address=127.0.0.1",
                "--tallynet.api.port=" + api, "--tallynet.data-dir=" + data,
                // the first round soon after start; every other setting is the default
                "--tallynet.checks.initial-delay=1s"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        return builder.start();
    }

    /**
     * What follows the JVM options: the packaged tracker with the devnet's fast start ({@code fast_start_options} of
     * scripts/service-jvm.sh: Spring AOT and the JDK's AOT cache) and the full JIT, as an image runs it, when
     * {@code ./tallynet bench-tracker} has built them ({@code -Dtallynet.tracker.jar}, and
     * {@code -Dtallynet.tracker.fastStart}: those options separated by {@code |}); otherwise the test class path,
     * which no AOT cache covers.
     */
    private static List<String> launch() {
        if (JAR.isEmpty()) {
            return List.of("-cp", System.getProperty("java.class.path"), TrackerApplication.class.getName());
        }
        List<String> launch = new ArrayList<>();
        for (String option : System.getProperty("tallynet.tracker.fastStart", "").split("\\|")) {
            if (!option.isBlank()) {
                launch.add(option);
            }
        }
        launch.addAll(List.of("-jar", JAR));
        return launch;
    }

    /** How the tracker was started, for the report. */
    private static String launched() {
        if (JAR.isEmpty()) {
            return "from the test class path (no AOT cache)";
        }
        List<String> options = launch();
        return "from the packaged jar (" + (options.contains("-Dspring.aot.enabled=true") ? "Spring AOT" : "no Spring AOT")
                + (options.stream().anyMatch(o -> o.startsWith("-XX:AOTCache=")) ? ", the JDK's AOT cache" : ", no AOT cache")
                + ", the full JIT)";
    }

    private static void awaitHealthy(int api, Process tracker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && tracker.isAlive()) {
            try {
                if (get(api, "/actuator/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("tracker not healthy within 120 s");
    }

    private static HttpResponse<String> get(int api, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Checks the tracker made, by outcome, from its metrics. */
    private record Checks(long ok, long timeout, long unreachable, long badAnswer) {
        Checks minus(Checks other) {
            return new Checks(ok - other.ok, timeout - other.timeout, unreachable - other.unreachable,
                    badAnswer - other.badAnswer);
        }

        long failed() {
            return timeout + unreachable + badAnswer;
        }

        long total() {
            return ok + failed();
        }
    }

    private static Checks checks(int api) throws IOException, InterruptedException {
        String metrics = get(api, "/actuator/prometheus").body();
        return new Checks(metric(metrics, "tallynet_tracker_checks_total", "outcome=\"ok\""),
                metric(metrics, "tallynet_tracker_checks_total", "outcome=\"timeout\""),
                metric(metrics, "tallynet_tracker_checks_total", "outcome=\"unreachable\""),
                metric(metrics, "tallynet_tracker_checks_total", "outcome=\"bad_answer\""));
    }

    private static long activeMembers(int api) throws IOException, InterruptedException {
        return metric(get(api, "/actuator/prometheus").body(), "tallynet_tracker_members", "status=\"active\"");
    }

    /** The value of the first sample of {@code name} whose labels include {@code label} (0 if none). */
    private static long metric(String exposition, String name, String label) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The tracker's heap in use right after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}), in kB. */
    private static long liveHeapKb(Process tracker) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String pid = Long.toString(tracker.pid());
        new ProcessBuilder(jcmd.toString(), pid, "GC.run").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        Process info = new ProcessBuilder(jcmd.toString(), pid, "GC.heap_info").redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes());
        info.waitFor(60, TimeUnit.SECONDS);
        long used = 0;
        // Serial: "DefNew     total ..K, used ..K" and "Tenured    total ..K, used ..K";
        // G1: " garbage-first heap   total reserved ..K, committed ..K, used ..K"
        for (var match : java.util.regex.Pattern.compile(
                "(?m)^\\s*(?:garbage-first heap|\\S+)\\s+total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K")
                .matcher(text).results().toList()) {
            used += Long.parseLong(match.group(1));
        }
        return used;
    }

    /** The process's CPU time so far, in nanoseconds. */
    private static long cpu(Process process) {
        return cpu(process.toHandle());
    }

    private static long cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** A {@code /proc/PID/status} field in kB (VmRSS: resident now; VmHWM: the peak). */
    private static long status(Process process, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static int percentile(int[] sorted, double share) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(share * sorted.length) - 1)];
    }

    private static String millis(List<Long> sorted, double share) {
        return sorted.isEmpty() ? "-" : sorted.get(Math.min(sorted.size() - 1,
                Math.max(0, (int) Math.ceil(share * sorted.size()) - 1))) + " ms";
    }

    private static String seconds(int millis) {
        return millis < 0 ? "-" : String.format("%.1f s", millis / 1000.0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
