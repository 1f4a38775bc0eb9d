package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The root docker-compose.yml brought up for real with {@code docker-compose} (the v1.29 this
 * machine has; the file keeps to what v2 accepts too): the core network starts, becomes healthy, the nodes find each other and a mined block reaches them; then {@code down -v}. The
 * monitoring profile's Prometheus configuration is checked with {@code promtool} and the Grafana
 * dashboard parsed, since their images cannot be pulled here.
 */
class ComposeTest {
    private static final String PROJECT = "tallynet-e2e";

    @Test
    void theComposeNetworkComesUpAndWorks() throws Exception {
        Requirements.docker();
        Requirements.command("docker-compose", "version");
        Map<String, String> env = new HashMap<>();
        env.put("TALLYNET_BASE_IMAGE", Project.baseImage());
        env.put("TALLYNET_CHAIN_PRESET", "easy");
        env.put("TALLYNET_MINING_ENABLED", "false");
        env.put("TALLYNET_API_TOKEN", Http.TOKEN);
        env.put("TALLYNET_TRACKER_REGISTER_INTERVAL", "2s");
        env.put("TALLYNET_PEERS_CONNECT_INTERVAL", "1s");
        int trackerPort = freePort();
        int node1 = freePort();
        int node2 = freePort();
        env.put("TALLYNET_TRACKER_PORT", Integer.toString(trackerPort));
        env.put("TALLYNET_NODE1_PORT", Integer.toString(node1));
        env.put("TALLYNET_NODE2_PORT", Integer.toString(node2));
        try {
            // the images compose names, built from the same Dockerfiles (with the retry Project.image has
            // for this Docker's flaky builder); compose then finds them and builds nothing
            Project.image("tracker-service", "tallynet/tracker:0.1.0");
            Project.image("node-service", "tallynet/node:0.1.0");
            compose(env, Duration.ofMinutes(10), "up", "-d");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                // tracker, node1, node2 and one replica of the scalable node
                assertThat(Http.get(trackerPort, "/api/members?status=active")).hasSize(3);
                for (int port : List.of(node1, node2)) {
                    List<String> roles = new ArrayList<>();
                    Http.get(port, "/api/peers").forEach(peer -> roles.add(peer.get("role").asString()));
                    assertThat(roles).filteredOn("node"::equals).hasSize(2);
                }
            });
            String mined = Http.post(node1, "/api/blocks/generate", "{\"count\":2}").get("hashes").get(1).asString();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Http.get(node2, "/api/chain").get("bestHash").asString()).isEqualTo(mined));
            assertThat(Http.text(node2, "/actuator/prometheus")).contains("tallynet_chain_height");
            // every container's HEALTHCHECK (the Java probe on /actuator/health) passes
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
                String ps = compose(env, Duration.ofMinutes(1), "ps");
                assertThat(ps.split("\\(healthy\\)", -1)).as(ps).hasSize(5); // tracker and three nodes
            });
        } finally {
            compose(env, Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
        }
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

    @Test
    void theDashboardParsesAndShowsWhatOperatorsNeed() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build()
                .readTree(Files.readString(Project.ROOT.resolve("monitoring/grafana/dashboards/tallynet.json")));
        List<String> expressions = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(t -> expressions.add(t.get("expr").asString())));
        String all = String.join("\n", expressions);
        assertThat(all).contains("tallynet_peers", "tallynet_chain_height", "tallynet_fetch_latency_seconds",
                "tallynet_frames_received_total", "tallynet_frames_rejected_total", "tallynet_tracker_members");
        assertThat(dashboard.get("uid").asString()).isEqualTo("tallynet-network");
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
