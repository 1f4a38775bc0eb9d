package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The real images on a real Docker network: a tracker and three nodes built from the services'
 * Dockerfiles. The nodes register and find each other, blocks and transactions reach everyone,
 * a stopped node turns inactive at the tracker, a restarted one keeps its chain, and every
 * Prometheus endpoint serves the protocol metrics. The tests run in order on one network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerNetworkTest {
    private static final int NODES = 3;
    private static Network network;
    private static GenericContainer<?> tracker;
    private static final List<GenericContainer<?>> nodes = new ArrayList<>();

    @BeforeAll
    static void startNetwork() {
        Requirements.docker();
        network = Network.newNetwork();
        tracker = new GenericContainer<>(Project.image("tracker-service"))
                .withNetwork(network).withNetworkAliases("tracker").withExposedPorts(9080)
                // the tests reach only the API port (REST, actuator), bound to the container's addresses;
                // the services talk P2P on the Docker network
                .withEnv("TALLYNET_API_ADDRESS", "0.0.0.0")
                .withEnv("TALLYNET_CHECKS_INTERVAL", "2s").withEnv("TALLYNET_CHECKS_TIMEOUT", "1s")
                .withEnv("TALLYNET_CHECKS_MAX_FAILURES", "2").withEnv("TALLYNET_CHECKS_INITIAL_DELAY", "1s")
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("tracker")))
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(9080)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        tracker.start();
        var nodeImage = Project.image("node-service");
        for (int i = 1; i <= NODES; i++) {
            GenericContainer<?> node = new GenericContainer<>(nodeImage)
                    .withNetwork(network).withNetworkAliases("node" + i).withExposedPorts(9081)
                    .withEnv("TALLYNET_API_ADDRESS", "0.0.0.0")
                    .withEnv("TALLYNET_TRACKER_URLS", "ws://tracker:8080/p2p")
                    .withEnv("TALLYNET_TRACKER_REGISTER_INTERVAL", "2s")
                    .withEnv("TALLYNET_PEERS_CONNECT_INTERVAL", "1s")
                    // one Docker network, one /16: as the compose file does, lift one-outbound-per-netgroup
                    .withEnv("TALLYNET_PEERS_MAX_OUTBOUND_PER_NETGROUP", "8")
                    .withEnv("TALLYNET_ADVERTISED_HOST", "node" + i)
                    .withEnv("TALLYNET_CHAIN_PRESET", "easy")
                    .withEnv("TALLYNET_API_TOKEN", Http.TOKEN)
                    .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("node" + i)))
                    .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(9081)
                            .withStartupTimeout(Duration.ofMinutes(3)));
            nodes.add(node);
        }
        nodes.parallelStream().forEach(GenericContainer::start);
    }

    @AfterAll
    static void stopNetwork() {
        nodes.forEach(GenericContainer::stop);
        if (tracker != null) {
            tracker.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Order(1)
    void nodesRegisterWithTheTrackerAndSeeEachOther() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(Http.get(port(tracker), "/api/members?status=active")).hasSize(NODES);
            for (GenericContainer<?> node : nodes) {
                List<JsonNode> nodePeers = new ArrayList<>();
                Http.get(port(node), "/api/peers").forEach(peer -> {
                    if ("node".equals(peer.get("role").asString())) {
                        nodePeers.add(peer);
                    }
                });
                assertThat(nodePeers).hasSize(NODES - 1);
            }
        });
    }

    @Test
    @Order(2)
    void aBlockMinedOnOneReachesAll() {
        String mined = Http.post(port(nodes.getFirst()), "/api/blocks/generate", "{\"count\":1}")
                .get("hashes").get(0).asString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (GenericContainer<?> node : nodes) {
                assertThat(Http.get(port(node), "/api/chain").get("bestHash").asString()).isEqualTo(mined);
            }
        });
    }

    @Test
    @Order(3)
    void aTransactionSentToOneIsMinedAndSeenByAll() {
        int payer = port(nodes.getFirst());
        Http.post(payer, "/api/blocks/generate", "{\"count\":3}"); // coinbases mature after 2 blocks
        String to = Http.get(port(nodes.getLast()), "/api/wallet").get("address").asString();
        String id = Http.post(payer, "/api/payments", "{\"to\":\"" + to + "\",\"amount\":12345,\"fee\":100}")
                .get("id").asString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (GenericContainer<?> node : nodes) {
                assertThat(status(node, id)).isEqualTo("mempool");
            }
        });
        Http.post(port(nodes.get(1)), "/api/blocks/generate", "{\"count\":1}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (GenericContainer<?> node : nodes) {
                assertThat(status(node, id)).isEqualTo("confirmed");
            }
            assertThat(Http.get(port(nodes.getLast()), "/api/wallet").get("balance").asLong()).isEqualTo(12345);
        });
    }

    @Test
    @Order(4)
    void everyPrometheusEndpointServesTheProtocolMetrics() {
        String trackerMetrics = Http.text(port(tracker), "/actuator/prometheus");
        assertThat(trackerMetrics).contains("tallynet_tracker_members", "tallynet_tracker_checks_total",
                "tallynet_frames_received_total", "tallynet_peers");
        for (GenericContainer<?> node : nodes) {
            assertThat(Http.text(port(node), "/actuator/prometheus")).contains("tallynet_chain_height",
                    "tallynet_frames_received_total{", "tallynet_frames_sent_total{", "tallynet_peers{",
                    "tallynet_blocks_connected_total", "tallynet_sync_progress", "tallynet_announcements_sent_total");
        }
    }

    @Test
    @Order(5)
    void aStoppedNodeTurnsInactiveAndARestartedOneKeepsItsChain() {
        GenericContainer<?> node = nodes.getLast();
        String mined = Http.post(port(nodes.getFirst()), "/api/blocks/generate", "{\"count\":2}").get("hashes")
                .get(1).asString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Http.get(port(node), "/api/chain").get("bestHash").asString()).isEqualTo(mined));
        long height = Http.get(port(node), "/api/chain").get("height").asLong();
        var docker = node.getDockerClient();
        docker.stopContainerCmd(node.getContainerId()).withTimeout(20).exec();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Http.get(port(tracker), "/api/members?status=inactive")).hasSize(1));

        docker.startContainerCmd(node.getContainerId()).exec();
        int restartedPort = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> mappedPort(node), p -> p > 0);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                assertThat(Http.get(restartedPort, "/api/chain").get("height").asLong()).isGreaterThanOrEqualTo(height));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Http.get(port(tracker), "/api/members?status=active")).hasSize(NODES));
    }

    /** The transaction's status at a node: mempool, confirmed, or absent (the node answers 404 with a reason). */
    private static String status(GenericContainer<?> node, String id) {
        JsonNode status = Http.get(port(node), "/api/transactions/" + id).get("status");
        return status == null ? "absent" : status.asString();
    }

    /** The host port the container's API port is published on. */
    private static int port(GenericContainer<?> container) {
        return container.getMappedPort(container.getExposedPorts().getFirst());
    }

    /** After a restart outside Testcontainers the published port changes: ask Docker. */
    private static int mappedPort(GenericContainer<?> container) {
        var bindings = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(container.getExposedPorts().getFirst()));
        return bindings == null || bindings.length == 0 ? 0 : Integer.parseInt(bindings[0].getHostPortSpec());
    }
}
