package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description the node serves is the one checked in as {@code docs/openapi.json}: a
 * change to the REST API that does not update the file fails here. To update it, run this test with
 * {@code -Dtallynet.openapi.write=true} and commit the file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tallynet.chain.preset=easy")
class OpenApiDocumentTest extends RunningNodeTest {
    private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Test
    void servedDescriptionMatchesTheCheckedInOne() throws Exception {
        HttpResponse<String> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode description = JSON.readTree(served.body());
        assertThat(description.get("openapi").asString()).startsWith("3.");
        assertThat(description.get("paths").propertyNames()).contains("/api/chain", "/api/payments",
                "/api/transactions", "/api/blocks/generate", "/api/peers/bans/{host}");
        // money is an integer in the description too
        assertThat(description.at("/components/schemas/PaymentRequest/properties/amount/type").asString()).isEqualTo("integer");
        if (Boolean.getBoolean("tallynet.openapi.write")) {
            Files.createDirectories(CHECKED_IN.getParent());
            Files.writeString(CHECKED_IN, JSON.writeValueAsString(description) + "\n");
        }
        assertThat(Files.exists(CHECKED_IN)).as("docs/openapi.json is missing; run with -Dtallynet.openapi.write=true").isTrue();
        assertThat(JSON.readTree(Files.readString(CHECKED_IN)))
                .as("docs/openapi.json differs from what the node serves; run this test with "
                        + "-Dtallynet.openapi.write=true and commit the file")
                .isEqualTo(description);
    }

    @Test
    void explorerIsServedFromTheJarWithoutCallsElsewhere() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/explorer")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui").doesNotContainPattern("(src|href)=\"(https?:)?//");
        String base = page.uri().toString().substring(0, page.uri().toString().lastIndexOf('/') + 1);
        String initializer = http.send(HttpRequest.newBuilder(URI.create(base + "swagger-initializer.js")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(initializer).contains("/api/openapi.json").doesNotContain("petstore");
        JsonNode config = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/openapi.json/swagger-config")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(config.get("validatorUrl").asString()).isEqualTo("none");
        assertThat(config.get("url").asString()).isEqualTo("/api/openapi.json");
    }
}
