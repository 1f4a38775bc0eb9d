package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service run from its packaged jar with this JDK, on 127.0.0.1, with its own data directory and log.
 * {@code port} is its P2P port (only {@code /p2p}); REST, pages and actuator are on its API port,
 * {@code port + 1000} ({@link #api(int)}), the layout the tracker's network map assumes.
 */
record LocalService(String name, int port, Process process, Path log) {
    /** API port = P2P port + this, as in every shipped setup (tallynet.dashboard.member-api-port-offset). */
    static final int API_PORT_OFFSET = 1000;

    static LocalService start(Path dir, String name, int port, String... options) throws IOException {
        String module = name.startsWith("node") ? "node-service" : "tracker-service";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar(module).toString(), "--server.port=" + port,
                "--server.address=127.0.0.1", "--tallynet.api.port=" + api(port), "--tallynet.api.address=127.0.0.1",
                "--tallynet.data-dir=" + dir.resolve(name)));
        command.addAll(List.of(options));
        Path log = dir.resolve(name + ".log");
        return new LocalService(name, port, new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start(), log);
    }

    /** A node that registers with the tracker at {@code trackerPort} and advertises 127.0.0.1, with the test token. */
    static LocalService startNode(Path dir, String name, int port, int trackerPort, String... options) throws IOException {
        List<String> all = new ArrayList<>(List.of("--tallynet.chain.preset=easy", "--tallynet.api.token=" + Http.TOKEN,
                "--tallynet.mining.enabled=false", "--tallynet.tracker.urls=ws://127.0.0.1:" + trackerPort + "/p2p",
                "--tallynet.tracker.register-interval=2s", "--tallynet.peers.connect-interval=1s",
                "--tallynet.advertised-host=127.0.0.1", "--tallynet.advertised-port=" + port,
                "--tallynet.peers.max-outbound-per-netgroup=8"));
        all.addAll(List.of(options));
        return start(dir, name, port, all.toArray(String[]::new));
    }

    boolean healthy() {
        return "UP".equals(Http.get(apiPort(), "/actuator/health").get("status").asString());
    }

    /** Where REST, pages and actuator answer. */
    int apiPort() {
        return api(port);
    }

    /** The API port of the service whose P2P port is {@code port}. */
    static int api(int port) {
        return port + API_PORT_OFFSET;
    }

    void assertAlive() {
        assertThat(process.isAlive()).as("%s exited:%n%s", name, tail()).isTrue();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** SIGTERM (Spring's graceful shutdown), then SIGKILL after a minute. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Stops them all; their data and logs are deleted after a pass and kept (and named) after a failure. */
    static void stopAll(List<LocalService> services, Path dir, boolean passed) throws IOException, InterruptedException {
        for (LocalService service : services) {
            service.stop();
        }
        if (passed) {
            deleteTree(dir);
        } else {
            System.out.println("logs kept in " + dir);
        }
    }

    /** A free port whose API port is free too (see {@link FreePorts}). */
    static int freePort() throws IOException {
        return FreePorts.one();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private static Path jar(String module) throws IOException {
        try (Stream<Path> files = Files.list(Project.ROOT.resolve(module).resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + module + " jar: run mvn package first"));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no " + module + "/target: run mvn package first", e);
        }
    }
}
