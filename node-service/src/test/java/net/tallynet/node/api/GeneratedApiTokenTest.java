package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.tallynet.node.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node told to keep its token in a file (what compose and k8s do): the first start makes it, owner-only,
 * the spending endpoints take it, a restart reads the same one; a token that is set wins over the file.
 */
class GeneratedApiTokenTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theFirstStartMakesTheTokenFileAndRestartsKeepIt() throws Exception {
        Path file = dir.resolve("n").resolve("api-token");
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.api.token-file=api-token");
            String token = Files.readString(file).strip();
            assertThat(token).matches("[0-9a-f]{32}");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(generate(node, null).statusCode()).isEqualTo(401);
            assertThat(generate(node, "wrong").statusCode()).isEqualTo(401);
            assertThat(generate(node, token).statusCode()).isEqualTo(200);

            network.stop(node);
            ConfigurableApplicationContext restarted = network.node("n", "--tallynet.api.token-file=" + file);
            assertThat(Files.readString(file).strip()).isEqualTo(token);
            assertThat(generate(restarted, token).statusCode()).isEqualTo(200);
            assertThat(TestNetwork.chain(restarted).tip().number()).isEqualTo(2);

            network.stop(restarted);
            String set = "a-token-the-operator-set-0123";
            ConfigurableApplicationContext configured = network.node("n", "--tallynet.api.token-file=api-token",
                    "--tallynet.api.token=" + set);
            assertThat(generate(configured, token).statusCode()).isEqualTo(401);
            assertThat(generate(configured, set).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> generate(ConfigurableApplicationContext node, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + TestNetwork.apiPort(node) + "/api/blocks/generate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"count\":1}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
