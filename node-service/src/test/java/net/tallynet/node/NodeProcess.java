package net.tallynet.node;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node in its own JVM on the easy chain, for tests that kill it (SIGKILL is only real for a
 * process), with the HTTP helpers they read it through. Its log goes into its data directory.
 * A node is known by its P2P port ({@code server.port}, what peers dial); its REST and actuator
 * answer on an API port of their own, picked at start: the helpers below take the P2P port and
 * send to that node's API port ({@link #apiPort(int)}).
 */
public final class NodeProcess {
    /** The environment of scripts/service-jvm.sh: glibc kept to two malloc arenas. */
    public static final Map<String, String> SERVICE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    /**
     * The packaged node ({@code -Dtallynet.node.jar}, which {@code ./tallynet bench-sync} and {@code bench-propagation}
     * set after building it and its AOT cache): nodes start from it as the devnet starts them. Unset (the tests),
     * from the test class path, whose directories no AOT cache can cover.
     */
    private static final String JAR = System.getProperty("tallynet.node.jar", "");
    private static List<String> fastStart;
    private static List<String> devnetJit;
    private static List<String> serviceJvm;
    /** P2P port to the API port of every node started here. */
    private static final Map<Integer, Integer> API_PORTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String PER_NETGROUP = "--tallynet.peers.max-outbound-per-netgroup";
    /** Ports {@link #freePort()} returned, so that it never returns one twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private NodeProcess() {
    }

    /**
     * The service JVM of scripts/service-jvm.sh ({@code JVM_OPTIONS}, asked of the script), as the devnet starts every
     * process (serial GC, a heap that starts small and gives back what it does not need, native memory trimmed), with
     * the heap's maximum {@code maxHeap} instead of the devnet's.
     */
    public static synchronized List<String> serviceJvm(String maxHeap) {
        if (serviceJvm == null) {
            serviceJvm = askServiceJvm("printf '%s\\n' \"${JVM_OPTIONS[@]}\"", "");
        }
        return serviceJvm.stream().map(option -> option.startsWith("-Xmx") ? "-Xmx" + maxHeap : option).toList();
    }

    /** Starts a node on {@code port} with {@code dataDir}; {@code extra} are further --key=value arguments. */
    public static Process start(Path dataDir, int port, String... extra) throws IOException {
        return start(dataDir, port, List.of("-Xmx256m"), Map.of(), extra);
    }

    /** As {@link #start(Path, int, String...)}, with these JVM options and environment variables. */
    public static Process start(Path dataDir, int port, List<String> jvmOptions, Map<String, String> environment,
            String... extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = Files.createDirectories(dataDir).resolve("node-" + System.nanoTime() + ".log").toFile();
        int apiPort = API_PORTS.containsKey(port) ? API_PORTS.get(port) : freePort();
        API_PORTS.put(port, apiPort);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(launch());
        command.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
                "--tallynet.api.port=" + apiPort,
                "--tallynet.data-dir=" + dataDir, "--tallynet.chain.preset=easy"));
        // all on 127.0.0.1, one netgroup (TestNetwork says why), unless the caller spreads its nodes and sets it
        if (Arrays.stream(extra).noneMatch(arg -> arg.startsWith(PER_NETGROUP + "="))) {
            command.add(PER_NETGROUP + "=8");
        }
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * What follows the JVM options: the packaged node with the fast start of scripts/service-jvm.sh, or the test
     * class path.
     */
    private static List<String> launch() {
        if (JAR.isEmpty()) {
            return List.of("-cp", System.getProperty("java.class.path"), NodeApplication.class.getName());
        }
        List<String> launch = new ArrayList<>(fastStartOptions());
        launch.addAll(List.of("-jar", JAR));
        return launch;
    }

    /**
     * {@code fast_start_options} of scripts/service-jvm.sh for the packaged jar (Spring AOT, and the JDK's AOT cache
     * made beside it when there is one), asked of the script itself, as the lab's NodeCommand does, so that the
     * benchmarks and the devnet never drift apart. Asked once: the cache does not change while they run.
     */
    private static synchronized List<String> fastStartOptions() {
        if (fastStart == null) {
            fastStart = askServiceJvm("fast_start_options \"$1\"", JAR);
        }
        return fastStart;
    }

    /**
     * A node's JIT as the devnet gives it: the full JIT to the miner (SHA-256's intrinsic is C2's), and to the others
     * {@code DEVNET_JIT} of scripts/service-jvm.sh (asked of the script), unless {@code full}.
     */
    public static synchronized List<String> devnetJit(boolean full) {
        if (full) {
            return List.of("-XX:TieredStopAtLevel=4");
        }
        if (devnetJit == null) {
            devnetJit = askServiceJvm("printf '%s\\n' \"${DEVNET_JIT[@]}\"", "");
        }
        return devnetJit;
    }

    /** The lines {@code command} prints after sourcing scripts/service-jvm.sh at the project's root ({@code $1}: {@code argument}). */
    private static List<String> askServiceJvm(String command, String argument) {
        Path root = (JAR.isEmpty() ? Path.of("") : Path.of(JAR)).toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("scripts/service-jvm.sh"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no scripts/service-jvm.sh above " + (JAR.isEmpty() ? "this directory" : JAR));
        }
        try {
            Process bash = new ProcessBuilder("bash", "-c", ". scripts/service-jvm.sh; " + command, "service-jvm", argument)
                    .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (bash.waitFor() != 0) {
                throw new IllegalStateException("scripts/service-jvm.sh failed at: " + command);
            }
            return out.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether nodes start from the packaged jar (with its AOT cache, if made), for a benchmark's report. */
    public static String launchDescription() {
        if (JAR.isEmpty()) {
            return "from the test class path (no AOT cache)";
        }
        return "from the packaged jar as the devnet starts them (Spring AOT, "
                + (fastStartOptions().stream().anyMatch(option -> option.startsWith("-XX:AOTCache=")) ? "the JDK's AOT cache"
                        : "no AOT cache") + ")";
    }

    /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}; true when it exited on SIGTERM. */
    public static boolean stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly().waitFor();
        return false;
    }

    /** The API port (REST, actuator) of the node started here on P2P port {@code port}. */
    public static int apiPort(int port) {
        Integer api = API_PORTS.get(port);
        if (api == null) {
            throw new IllegalArgumentException("no node was started on P2P port " + port);
        }
        return api;
    }

    /** {@code GET path} on the API port of the node whose P2P port is {@code port}. */
    public static HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort(port) + path)).build());
    }

    /** {@code POST path} on the API port of the node whose P2P port is {@code port}. */
    public static HttpResponse<String> post(int port, String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort(port) + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** {@code GET /api/chain} as JSON. */
    public static JsonNode chain(int port) {
        return json(get(port, "/api/chain"));
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /**
     * A port free now, below Linux's ephemeral range (32768 to 60999) and never handed out before by this
     * JVM. A port of that range, as binding port 0 gives, can be taken by any connection the machine
     * opens in the seconds before the process it is meant for binds it: with six nodes starting at once
     * on a busy machine, that happened.
     */
    public static int freePort() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (BindException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port found in 20000-31999");
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
