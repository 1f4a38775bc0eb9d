package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.databind.JsonNode;

/**
 * The README's first command, as a new user runs it: {@code ./tallynet devnet --fresh} in a fresh copy of
 * the checkout, with its default data directory ({@code ./devnet}, relative, as users type it). The
 * network must form (three active members at the tracker, node3 on node1's chain), Ctrl-C must stop every
 * process, and a second start must resume the same chain, with a second tracker this time that every node
 * registers with. No Docker: the devnet is plain Java processes.
 */
@EnabledOnOs(OS.LINUX) // the leftover check reads /proc
class DevnetTest {
    private static final Duration START = Duration.ofMinutes(8); // four JVMs starting on a shared 2-core machine
    private static final Duration STOP = Duration.ofMinutes(2);

    @Test
    void theReadmesFirstCommandRunsStopsOnCtrlCAndResumesTheSameChain() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Project.ROOT.resolve("e2e/target")), "devnet-");
        Path clone = FreshClone.of(Project.ROOT, Files.createDirectory(work.resolve("tallynet")));
        FreshClone.withServiceJars(Project.ROOT, clone);
        int base = FreePorts.run(5); // the second start's tracker2 takes the port after node3's
        int tracker = base;
        int tracker2 = base + 4;
        int node1 = base + 1;
        int node3 = base + 3;
        Process devnet = null;
        try {
            long started = System.nanoTime();
            devnet = start(clone, work.resolve("first.out"), "--fresh", "--base-port", Integer.toString(base));
            Process first = devnet;
            await("three active members, node3 on node1's chain of 2+ blocks").atMost(START)
                    .pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                    .failFast(() -> stillRunning(first, work, clone))
                    .until(() -> Http.get(LocalService.api(tracker), "/api/members?status=active").size() == 3
                            && node3IsOnNode1sChain(node1, node3));
            long height = Http.get(LocalService.api(node1), "/api/chain").get("height").asLong();
            String block = Http.text(LocalService.api(node1), "/api/blocks/" + height);
            System.out.printf("devnet formed in %d s, node1 at height %d%n", seconds(started), height);
            // the copy has no AOT cache: the node's was trained by a sync (scripts/service-jvm.sh), not a start alone
            assertThat(Files.readString(work.resolve("first.out"))).contains("making the JVM start-up cache")
                    .doesNotContain("training sync failed");

            stop(devnet, work, clone);
            assertNothingLeft(clone, work, clone);

            started = System.nanoTime();
            devnet = start(clone, work.resolve("second.out"), "--base-port", Integer.toString(base), "--trackers", "2");
            Process second = devnet;
            JsonNode resumed = await("node1 answers again").atMost(START).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .failFast(() -> stillRunning(second, work, clone))
                    .until(() -> Http.get(LocalService.api(node1), "/api/chain"), chain -> chain != null);
            System.out.printf("devnet restarted in %d s, node1 at height %d%n", seconds(started), resumed.get("height").asLong());
            assertThat(resumed.get("height").asLong()).as("height after restart").isGreaterThanOrEqualTo(height);
            assertThat(Http.text(LocalService.api(node1), "/api/blocks/" + height)).as("block %d after restart", height).isEqualTo(block);
            await("the three nodes registered with the second tracker too").atMost(START).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions().failFast(() -> stillRunning(second, work, clone))
                    .until(() -> Http.get(LocalService.api(tracker2), "/api/members?status=active").size() == 3);

            stop(devnet, work, clone);
            assertNothingLeft(clone, work, clone);
            deleteTree(work);
        } finally {
            stopEverything(devnet, clone);
        }
    }

    /**
     * Ctrl-C while the first start trains the JVM's start-up cache (about 45 s, the longest wait a new user
     * has): the trainings are background jobs, which ignore SIGINT, so the script stops them itself, and no
     * training JVM is left running, nor a half-made cache kept.
     */
    @Test
    void ctrlCWhileTheStartUpCacheIsTrainedLeavesNothingRunning() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Project.ROOT.resolve("e2e/target")), "devnet-training-");
        Path clone = FreshClone.of(Project.ROOT, Files.createDirectory(work.resolve("tallynet")));
        FreshClone.withServiceJars(Project.ROOT, clone);
        Process devnet = null;
        try {
            devnet = start(clone, work.resolve("first.out"), "--fresh", "--base-port", Integer.toString(FreePorts.run(4)));
            Process first = devnet;
            await("a training JVM runs").atMost(START).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> stillRunning(first, work, clone))
                    .until(() -> processesIn(clone).stream().anyMatch(pid -> describe(pid).contains("AOTCacheOutput")));
            Thread.sleep(3000); // into the training: its nodes starting, or the source generating blocks

            stop(devnet, work, clone);

            assertThat(Files.readString(work.resolve("first.out"))).contains("stopping the start-up cache training");
            assertNothingLeft(clone, work, clone);
            for (String module : List.of("tracker-service", "node-service")) { // a training's output, whole or not
                try (Stream<Path> files = Files.list(clone.resolve(module).resolve("target/app"))) {
                    assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("app.training.aot"));
                }
            }
            deleteTree(work);
        } finally {
            stopEverything(devnet, clone);
        }
    }

    /**
     * Ten nodes from this checkout (its packaged jars and start-up cache, as a developer reruns it): the
     * devnet starts them in waves, says it is ready, and all ten follow node1's chain; SIGTERM stops them.
     * Every process logs the classes it loads (through {@code TALLYNET_JAVA_OPTIONS}, as a user would add an
     * option), and each must have loaded its classes from the start-up cache ({@link #assertStartedFromTheCache}).
     */
    @Test
    void tenNodesBecomeReadyAndFollowOneChain() throws Exception {
        int nodes = 10;
        Path work = Files.createTempDirectory(Files.createDirectories(Project.ROOT.resolve("e2e/target")), "devnet10-");
        Path output = work.resolve("devnet.out");
        int base = FreePorts.run(nodes + 1);
        Path classes = Files.createDirectory(work.resolve("classes"));
        Process devnet = null;
        try {
            long started = System.nanoTime();
            // %p: the JVM's pid, a file per process
            devnet = start(Project.ROOT, output, Map.of("TALLYNET_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classes.resolve("%p.log")),
                    "--fresh", "--nodes", Integer.toString(nodes), "--base-port", Integer.toString(base),
                    "--dir", work.resolve("data").toString());
            Process running = devnet;
            await("the devnet says it is ready").atMost(START.multipliedBy(2)).pollInterval(Duration.ofSeconds(2))
                    .failFast(() -> assertThat(running.isAlive()).as("the devnet exited:%n%s", Files.readString(output)).isTrue())
                    .until(() -> Files.readString(output).contains("processes are ready"));
            long ready = seconds(started);
            await("all ten nodes on node1's chain").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .until(() -> {
                        JsonNode first = Http.get(LocalService.api(base + 1), "/api/chain");
                        for (int i = 2; i <= nodes; i++) {
                            if (!Http.get(LocalService.api(base + i), "/api/chain").get("bestHash").equals(first.get("bestHash"))) {
                                return false;
                            }
                        }
                        return first.get("height").asLong() >= 2;
                    });
            assertStartedFromTheCache(classes, nodes);
            long rss = processesIn(work).stream().mapToLong(DevnetTest::residentKib).sum() / 1024;
            System.out.printf("devnet of %d nodes ready in %d s, on one chain %d s after the command, %d MB resident in all%n",
                    nodes, ready, seconds(started), rss);
            signal("-TERM", -devnet.pid());
            assertThat(devnet.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("devnet stops on SIGTERM").isTrue();
            assertNothingLeft(work, work, work);
            deleteTree(work);
        } finally {
            stopEverything(devnet, work);
        }
    }

    /**
     * What the devnet's tracker and nodes loaded, from their class-loading logs in {@code classes}: most of their
     * classes from the start-up cache (so it was used); in each node, the Ed25519 code its wallet's key needs at
     * start from the cache too (the JDK leaves the classes of a signed jar out of its cache, and BouncyCastle's jar
     * is signed: the build drops its signature, pom.xml); and neither the platform MBean server (Tomcat's meters
     * made it at start) nor AspectJ (its weaver looked for aspects in every bean at start) at all. Every class in
     * the cache is loaded before {@code main} (AOT class linking), so the last two also say that no training run
     * used them. README "Start-up and footprint".
     */
    private static void assertStartedFromTheCache(Path classes, int nodes) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(classes)) {
            logs = files.toList();
        }
        int trackers = 0;
        int nodesLogged = 0;
        for (Path log : logs) {
            List<String> loaded = Files.readAllLines(log);
            boolean tracker = loaded.stream().anyMatch(line -> line.contains(" net.tallynet.tracker.TrackerApplication "));
            boolean node = loaded.stream().anyMatch(line -> line.contains(" net.tallynet.node.NodeApplication "));
            if (!tracker && !node) {
                continue; // not a service (none is expected; nothing to say about it)
            }
            String name = (tracker ? "the tracker" : "a node") + " (" + log.getFileName() + ")";
            trackers += tracker ? 1 : 0;
            nodesLogged += node ? 1 : 0;
            assertThat(loaded.stream().filter(DevnetTest::fromTheCache).count()).as("classes %s loaded from the cache", name)
                    .isGreaterThan(10_000);
            if (node) {
                assertThat(loadedLines(loaded, " org.bouncycastle.math.ec.rfc8032.Ed25519 ")).as("Ed25519 loaded by %s", name)
                        .hasSize(1).allMatch(DevnetTest::fromTheCache);
            }
            assertThat(loadedLines(loaded, " com.sun.jmx.mbeanserver.JmxMBeanServer ")).as("the platform MBean server, made by %s", name)
                    .isEmpty();
            assertThat(loadedLines(loaded, " org.aspectj.")).as("AspectJ classes loaded by %s", name).isEmpty();
        }
        assertThat(trackers).as("trackers whose classes were logged, of %d logs", logs.size()).isEqualTo(1);
        assertThat(nodesLogged).as("nodes whose classes were logged, of %d logs", logs.size()).isEqualTo(nodes);
    }

    private static List<String> loadedLines(List<String> loaded, String name) {
        return loaded.stream().filter(line -> line.contains(name)).toList();
    }

    private static boolean fromTheCache(String classLoaded) {
        return classLoaded.endsWith(" source: shared objects file");
    }

    /** Whatever happened: the devnet's process group gets SIGTERM, and anything still running from {@code dir} SIGKILL. */
    private static void stopEverything(Process devnet, Path dir) throws Exception {
        if (devnet != null && devnet.isAlive()) {
            signal("-TERM", -devnet.pid());
            devnet.waitFor(30, TimeUnit.SECONDS);
        }
        for (long pid : processesIn(dir)) { // only what this run started
            signal("-KILL", pid);
        }
    }

    private static long residentKib(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:")).mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .sum();
        } catch (IOException e) {
            return 0; // gone meanwhile
        }
    }

    /** A devnet that exits before it is ready will not become ready: fail at once, with its output. */
    private static void stillRunning(Process devnet, Path work, Path clone) {
        assertThat(devnet.isAlive()).as("the devnet exited before it was ready:%n%s", report(work, clone)).isTrue();
    }

    private static boolean node3IsOnNode1sChain(int node1, int node3) {
        JsonNode one = Http.get(LocalService.api(node1), "/api/chain");
        JsonNode three = Http.get(LocalService.api(node3), "/api/chain");
        return one.get("height").asLong() >= 2 && one.get("bestHash").equals(three.get("bestHash"));
    }

    /**
     * Starts the devnet in its own process group, as a terminal does. SIGINT gets its default handling
     * back first: a JVM started from a non-interactive shell's background job inherits it ignored, and
     * bash cannot trap a signal ignored on entry, while in a terminal Ctrl-C always reaches the script.
     */
    private static Process start(Path directory, Path output, String... options) throws IOException {
        return start(directory, output, Map.of(), options);
    }

    private static Process start(Path directory, Path output, Map<String, String> environment, String... options)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", "setsid", "./tallynet", "devnet"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Ctrl-C: SIGINT to the devnet's whole process group, as the terminal sends it. */
    private static void stop(Process devnet, Path work, Path clone) throws Exception {
        long started = System.nanoTime();
        signal("-INT", -devnet.pid());
        assertThat(devnet.waitFor(STOP.toSeconds(), TimeUnit.SECONDS))
                .as("devnet stops on SIGINT within %s:%n%s", STOP, report(work, clone)).isTrue();
        System.out.printf("devnet stopped in %d s (exit %d)%n", seconds(started), devnet.exitValue());
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", signal, "--", Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    /** No process from {@code dir} may outlive the script; if one does, say what it is and what the script said. */
    private static void assertNothingLeft(Path dir, Path work, Path clone) {
        List<Long> left = processesIn(dir);
        if (!left.isEmpty()) {
            StringBuilder described = new StringBuilder();
            for (long pid : left) {
                described.append(pid).append(": ").append(describe(pid)).append('\n');
            }
            assertThat(left).as("processes left running from %s after the devnet exited:%n%s%s", dir, described,
                    report(work, clone)).isEmpty();
        }
    }

    /** State, parent, age and command line of a process, from /proc. */
    private static String describe(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String status = Files.readAllLines(proc.resolve("status")).stream()
                    .filter(line -> line.startsWith("State:") || line.startsWith("PPid:"))
                    .map(String::strip).reduce((a, b) -> a + ", " + b).orElse("");
            String command = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            return status + ", " + command.substring(0, Math.min(400, command.length()));
        } catch (IOException e) {
            return "(gone meanwhile)";
        }
    }

    /** Processes whose working directory or command line is inside the copy: what the devnet started. */
    private static List<Long> processesIn(Path clone) {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid)
                .filter(pid -> pid != ProcessHandle.current().pid() && runsIn(pid, clone)).toList();
    }

    private static boolean runsIn(long pid, Path dir) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir)) {
                return true;
            }
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).contains(dir.toString());
        } catch (IOException | SecurityException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    /** The script's output and the end of each service log, for a failure message. */
    private static String report(Path work, Path clone) {
        StringBuilder report = new StringBuilder();
        List<Path> files = new ArrayList<>(List.of(work.resolve("first.out"), work.resolve("second.out"), work.resolve("devnet.out")));
        try (Stream<Path> logs = Files.list(clone.resolve("devnet"))) {
            logs.filter(p -> p.toString().endsWith(".log")).sorted().forEach(files::add);
        } catch (IOException e) {
            report.append("(no devnet directory)\n");
        }
        for (Path file : files) {
            try {
                List<String> lines = Files.readAllLines(file);
                report.append("== ").append(file).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()))).append('\n');
            } catch (IOException e) {
                // not written (yet)
            }
        }
        return report.toString();
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
