package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The root docker-compose.yml brought up for real with {@code docker-compose} (the v1.29 this
 * machine has; the file keeps to what v2 accepts too): the core network starts, becomes healthy,
 * the nodes find each other and a mined block reaches them; then it runs for six minutes under
 * work (the mining node, two {@code generate} calls of the API's maximum, a stream of payments)
 * and no container may be restarted or killed for memory, nor come near its limit; then
 * {@code down -v}. The monitoring profile's Prometheus configuration is checked with
 * {@code promtool}, since its image cannot be pulled here; its rules and the Grafana dashboard are
 * checked against a real Prometheus by MonitoringTest.
 */
class ComposeTest {
    private static final String PROJECT = "tallynet-e2e";
    /**
     * How long the network runs under work: three times as long as the first compose file took to get
     * its nodes killed, and short enough for the whole test command to keep within CI's budget (it was
     * ten minutes until the lab's run joined the suite); longer or shorter with -Dtallynet.soak.minutes.
     */
    private static final Duration SOAK = Duration.ofMinutes(Long.getLong("tallynet.soak.minutes", 6));
    /** Peak anonymous memory allowed (what an OOM kill is decided on), as a share of each container's limit. */
    private static final double MEMORY_BOUND = 0.85;

    @Test
    void theComposeNetworkComesUpAndRunsUnderWorkWithinItsMemory() throws Exception {
        Requirements.docker();
        Requirements.command("docker-compose", "version");
        Map<String, String> env = new HashMap<>();
        env.put("TALLYNET_BASE_IMAGE", Project.baseImage());
        // every other hash is a block, so generate {"count":1000} is quick and node1's miner works flat out
        env.put("TALLYNET_CHAIN_PRESET", "easy");
        env.put("TALLYNET_API_TOKEN", Http.TOKEN);
        env.put("TALLYNET_TRACKER_REGISTER_INTERVAL", "2s");
        env.put("TALLYNET_PEERS_CONNECT_INTERVAL", "1s");
        // the P2P ports are published too, but the test reaches only the API ports (REST, actuator)
        env.put("TALLYNET_TRACKER_PORT", Integer.toString(FreePorts.one()));
        env.put("TALLYNET_TRACKER2_PORT", Integer.toString(FreePorts.one()));
        env.put("TALLYNET_NODE1_PORT", Integer.toString(FreePorts.one()));
        env.put("TALLYNET_NODE2_PORT", Integer.toString(FreePorts.one()));
        int trackerPort = FreePorts.one();
        int tracker2Port = FreePorts.one();
        int node1 = FreePorts.one();
        int node2 = FreePorts.one();
        env.put("TALLYNET_TRACKER_API_PORT", Integer.toString(trackerPort));
        env.put("TALLYNET_TRACKER2_API_PORT", Integer.toString(tracker2Port));
        env.put("TALLYNET_NODE1_API_PORT", Integer.toString(node1));
        env.put("TALLYNET_NODE2_API_PORT", Integer.toString(node2));
        List<ContainerMemory> memory = List.of();
        try {
            // the images compose names, built from the same Dockerfiles; compose then finds them and builds
            // nothing. Building them leaves nothing behind: no intermediate stage, no replaced image.
            // a run of this test that was stopped half-way (a killed build, a machine shut down) leaves its
            // project behind: its containers would hold the old images and the names this run needs
            compose(env, Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
            Set<String> danglingBefore = danglingImages();
            Project.image("tracker-service", "tallynet/tracker:0.1.0");
            Project.image("node-service", "tallynet/node:0.1.0");
            assertThat(danglingImages()).as("dangling images after the builds; images and containers now:%n%s%n%s",
                    Project.run(Duration.ofMinutes(1), "docker", "images", "-a", "--no-trunc"),
                    Project.run(Duration.ofMinutes(1), "docker", "ps", "-a", "--no-trunc"))
                    .isSubsetOf(danglingBefore);
            compose(env, Duration.ofMinutes(10), "up", "-d");
            List<String> containers = compose(env, Duration.ofMinutes(1), "ps", "-q").lines()
                    .map(String::strip).filter(id -> !id.isEmpty()).toList();
            // two trackers, node1, node2 and one replica of the scalable node
            assertThat(containers).hasSize(5);
            memory = ContainerMemory.follow(containers);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                // every node registers with both trackers
                assertThat(Http.get(trackerPort, "/api/members?status=active")).hasSize(3);
                assertThat(Http.get(tracker2Port, "/api/members?status=active")).hasSize(3);
                for (int port : List.of(node1, node2)) {
                    List<String> roles = new ArrayList<>();
                    Http.get(port, "/api/peers").forEach(peer -> roles.add(peer.get("role").asString()));
                    assertThat(roles).filteredOn("node"::equals).hasSize(2);
                }
            });
            // node1's background miner races generate for each height, so a generated block may end up on
            // a side branch: what must reach node2 is node1's chain, at least as high as it was then
            Http.post(node1, "/api/blocks/generate", "{\"count\":2}");
            long height = Http.get(node1, "/api/chain").get("height").asLong();
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                    assertThat(Http.get(node2, "/api/chain").get("height").asLong()).isGreaterThanOrEqualTo(height));
            assertThat(Http.text(node2, "/actuator/prometheus")).contains("tallynet_chain_height");
            // every container's HEALTHCHECK (bash on /actuator/health, no second JVM) passes
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
                String ps = compose(env, Duration.ofMinutes(1), "ps");
                assertThat(ps.split("\\(healthy\\)", -1)).as(ps).hasSize(containers.size() + 1);
            });

            Soak soak = soak(node1, node2);
            memory.forEach(m -> System.out.println("compose soak: " + m.summary()));
            System.out.println("compose soak: " + soak);
            assertThat(soak.generated()).as("both generate calls answered with every hash").containsExactly(1000, 1000);
            assertThat(soak.payments()).as("payments accepted").isGreaterThanOrEqualTo(10);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
                assertThat(Http.get(node2, "/api/chain").get("height").asLong()).isGreaterThan(2000);
                assertThat(Http.get(node2, "/api/wallet").get("balance").asLong()).isPositive();
            });
            for (String id : containers) {
                var state = DockerClientFactory.instance().client().inspectContainerCmd(id).exec();
                assertThat(state.getRestartCount()).as(state.getName() + " restarts").isZero();
                assertThat(state.getState().getOOMKilled()).as(state.getName() + " OOMKilled").isFalse();
                assertThat(state.getState().getRunning()).as(state.getName() + " running").isTrue();
            }
            for (ContainerMemory container : memory) {
                assertThat(container.samples()).as(container.name + " memory samples").isGreaterThan(SOAK.toSeconds() / 4);
                assertThat(container.peakAnonymous()).as(container.summary())
                        .isLessThan((long) (MEMORY_BOUND * container.limit()));
            }
        } finally {
            memory.forEach(ContainerMemory::close);
            compose(env, Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
        }
    }

    /** What the network was asked to do during the soak. */
    private record Soak(List<Integer> generated, int payments, int refused, long seconds) {
    }

    /**
     * Runs the network under work for {@link #SOAK}: node1 mines all along (compose's default), a
     * payment from node1 to node2 every second, and {@code generate {"count":1000}} at a tenth and at
     * half of the run.
     */
    private static Soak soak(int node1, int node2) throws InterruptedException {
        String payee = Http.get(node2, "/api/wallet").get("address").asString();
        String payment = "{\"to\":\"" + payee + "\",\"amount\":1000,\"fee\":100}";
        List<Integer> generated = new ArrayList<>();
        List<Duration> generateAt = new ArrayList<>(List.of(SOAK.dividedBy(10), SOAK.dividedBy(2)));
        int payments = 0;
        int refused = 0;
        long start = System.nanoTime();
        Duration elapsed;
        while ((elapsed = Duration.ofNanos(System.nanoTime() - start)).compareTo(SOAK) < 0) {
            if (!generateAt.isEmpty() && elapsed.compareTo(generateAt.getFirst()) >= 0) {
                generateAt.removeFirst();
                generated.add(Http.post(node1, "/api/blocks/generate", "{\"count\":1000}", Duration.ofMinutes(5))
                        .get("hashes").size());
            }
            try {
                Http.post(node1, "/api/payments", payment);
                payments++;
            } catch (IllegalStateException e) {
                refused++; // early on the wallet has no mature coins yet
            }
            Thread.sleep(1000);
        }
        return new Soak(generated, payments, refused, Duration.ofNanos(System.nanoTime() - start).toSeconds());
    }

    /**
     * Read, not run (no Docker needed): compose ships no API token (security review item 11), yet
     * {@code docker compose up} needs none invented, as each node keeps its own in its volume; a
     * {@code TALLYNET_API_TOKEN} given to compose still wins (the soak above passes one).
     */
    @Test
    void noTokenIsShippedAndEachNodeKeepsItsOwnInItsVolume() throws Exception {
        String file = Files.readString(Project.ROOT.resolve("docker-compose.yml"));
        assertThat(file.toLowerCase(Locale.ROOT)).doesNotContain("change-me", "changeme");
        JsonNode compose = YAMLMapper.builder().build().readTree(file);
        JsonNode env = compose.get("x-node").get("environment");
        assertThat(env.get("TALLYNET_API_TOKEN").asString()).isEqualTo("${TALLYNET_API_TOKEN:-}");
        assertThat(env.get("TALLYNET_API_TOKEN_FILE").asString()).isEqualTo("/data/api-token");
        assertThat(compose.get("services").get("node1").get("volumes").get(0).asString()).endsWith(":/data");
    }

    @Test
    void thePrometheusConfigurationPassesPromtool() throws Exception {
        Requirements.command("promtool", "--version");
        Process check = new ProcessBuilder("promtool", "check", "config",
                Project.ROOT.resolve("monitoring/prometheus.yml").toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private static String compose(Map<String, String> env, Duration limit, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-p", PROJECT, "-f",
                Project.ROOT.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Project.ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile("compose", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker-compose " + String.join(" ", args) + " took over " + limit);
        }
        String output = Files.readString(log);
        System.out.println("docker-compose " + String.join(" ", args) + ":\n" + output);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("docker-compose " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }

    private static Set<String> danglingImages() {
        String ids = Project.run(Duration.ofMinutes(1), "docker", "images", "-q", "--filter", "dangling=true");
        assertThat(ids).as("docker images").isNotNull();
        return ids.lines().map(String::strip).filter(id -> !id.isEmpty()).collect(Collectors.toSet());
    }
}
