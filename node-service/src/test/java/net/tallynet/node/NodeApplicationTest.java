package net.tallynet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.p2p.http.ApiServer;

/** The node starts as a process would: its H2 file lands in the data directory and it reports healthy. */
class NodeApplicationTest {
    @TempDir
    Path dataDir;

    @Test
    void startsWithItsDatabaseInTheDataDirectoryAndReportsHealthy() throws Exception {
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(NodeApplication.class)
                .run("--server.port=0", "--tallynet.data-dir=" + dataDir)) {
            int p2pPort = ((WebServerApplicationContext) node).getWebServer().getPort();
            int apiPort = ApiServer.port(node);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            // the P2P port serves only /p2p: no actuator, no REST, no pages there
            for (String path : new String[] {"/actuator/health", "/api/chain", "/", "/api/openapi.json"}) {
                assertThat(HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p2pPort + path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(health.body()).contains("\"status\":\"UP\"");
            assertThat(Files.exists(dataDir.resolve("node.mv.db"))).isTrue();
        }
    }

    /**
     * A user types a relative directory ({@code ./tallynet devnet} passes {@code devnet/node1}); H2 refuses
     * one that is implicitly relative, so the service must resolve it, against the working directory.
     */
    @Test
    void startsWithARelativeDataDirectoryResolvedAgainstTheWorkingDirectory() {
        String relative = "target/relative-data-dir/node-" + System.nanoTime();
        Path expected = Path.of(relative).toAbsolutePath();
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(NodeApplication.class)
                .run("--server.port=0", "--tallynet.data-dir=" + relative)) {
            assertThat(node.getBean(NetworkProperties.class).dataDir()).isEqualTo(expected);
            assertThat(expected.resolve("node.mv.db")).exists();
            assertThat(expected.resolve("wallet.key")).exists();
        }
    }
}
