package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description the node serves is {@code docs/openapi.json} as checked in, and that file is what
 * springdoc generates from the controllers (turned on here only, at {@link #GENERATED}): a change to the REST
 * API that does not update the file fails here. To update it, run this test with
 * {@code -Dtallynet.openapi.write=true} and commit the file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.chain.preset=easy", "springdoc.api-docs.enabled=true", "springdoc.api-docs.path=" + OpenApiDocumentTest.GENERATED,
        "springdoc.paths-to-match=/api/**", "springdoc.writer-with-order-by-keys=true",
        // errors are described once, by OpenApiConfiguration, not guessed from the exception handlers
        "springdoc.override-with-generic-response=false"})
@Import(OpenApiConfiguration.class)
class OpenApiDocumentTest extends RunningNodeTest {
    static final String GENERATED = "/generated/openapi.json";
    private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @Test
    void checkedInDescriptionIsTheOneGeneratedFromTheControllers() throws Exception {
        HttpResponse<String> generated = get(GENERATED);
        assertThat(generated.statusCode()).isEqualTo(200);
        JsonNode description = JSON.readTree(generated.body());
        assertThat(description.get("openapi").asString()).startsWith("3.");
        assertThat(description.get("paths").propertyNames()).contains("/api/chain", "/api/payments",
                "/api/transactions", "/api/blocks/generate", "/api/peers/bans/{host}")
                .doesNotContain("/api/openapi.json", GENERATED);
        // money is an integer in the description too
        assertThat(description.at("/components/schemas/PaymentRequest/properties/amount/type").asString()).isEqualTo("integer");
        if (Boolean.getBoolean("tallynet.openapi.write")) {
            Files.createDirectories(CHECKED_IN.getParent());
            Files.writeString(CHECKED_IN, JSON.writeValueAsString(description) + "\n");
        }
        assertThat(Files.exists(CHECKED_IN)).as("docs/openapi.json is missing; run with -Dtallynet.openapi.write=true").isTrue();
        assertThat(JSON.readTree(Files.readString(CHECKED_IN)))
                .as("docs/openapi.json differs from what springdoc generates from the controllers; run this test with "
                        + "-Dtallynet.openapi.write=true and commit the file")
                .isEqualTo(description);
    }

    @Test
    void nodeServesTheCheckedInDescription() throws Exception {
        // the jar holds the file as it was when this run built it; a rewritten one is served after the next build
        assumeFalse(Boolean.getBoolean("tallynet.openapi.write"), "docs/openapi.json is being rewritten");
        HttpResponse<byte[]> served = http.send(request("/api/openapi.json"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        // as the jar was built: a file changed since then shows up when the module is built again
        assertThat(served.body()).isEqualTo(Files.readAllBytes(CHECKED_IN));
    }

    @Test
    void explorerIsServedFromTheJarWithoutCallsElsewhere() throws Exception {
        HttpResponse<String> page = get("/api/explorer");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/api/explorer/index.html");
        assertThat(get("/api/explorer/").uri().getPath()).isEqualTo("/api/explorer/index.html");
        // Swagger UI styles itself inline: its pages, and only they, may; scripts still come from this node only
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("script-src 'self';", "style-src 'self' 'unsafe-inline'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-eval"));
        // a path that only starts like the explorer's (Tomcat drops ";" parameters, then resolves "..") gets the strict one
        HttpResponse<String> around = get("/api/explorer/..;/");
        assertThat(around.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).doesNotContain("unsafe-inline"));
        assertThat(page.body()).contains("swagger-ui").doesNotContainPattern("(src|href)=\"(https?:)?//");
        for (String asset : new String[] {"swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"}) {
            assertThat(get("/api/explorer/" + asset).statusCode()).as(asset).isEqualTo(200);
        }
        String initializer = get("/api/explorer/swagger-initializer.js").body();
        assertThat(initializer).contains("url: \"/api/openapi.json\"", "validatorUrl: \"none\"").doesNotContain("petstore");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
    }
}
