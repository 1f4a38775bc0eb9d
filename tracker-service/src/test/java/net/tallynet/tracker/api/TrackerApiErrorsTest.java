package net.tallynet.tracker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import net.tallynet.tracker.RunningTrackerTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

/** The tracker's small REST API refuses and fails like the node's: JSON with a reason, the right status, UTF-8. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tallynet.checks.enabled=false")
class TrackerApiErrorsTest extends RunningTrackerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void errorsAreJsonWithAReasonAndTheRightStatus() throws Exception {
        HttpResponse<String> noToken = send(request("/api/peers/bans/10.0.0.1").DELETE());
        assertError(noToken, 403, "admin_disabled");
        assertThat(noToken.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        assertError(send(request("/api/nope").GET()), 404, "not_found");
        assertError(send(request("/api/members").POST(HttpRequest.BodyPublishers.noBody())), 405, "method_not_allowed");
        assertError(send(request("/api/members").GET().header("Accept", "text/html")), 406, "not_acceptable");
        assertError(send(request("/api/members?limit=0").GET()), 400, "bad_request");
        assertError(send(request("/api/members?limit=abc").GET()), 400, "bad_request");
        assertError(send(request("/api/members").method("PUT", HttpRequest.BodyPublishers.ofString("x".repeat(5000)))),
                413, "body_too_large");
        assertThat(send(request("/api/members").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void errorsTomcatRaisesItselfAreJsonToo() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", apiPort)) {
            socket.getOutputStream().write("GET /api/%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").contains("Content-Type: application/json")
                    .contains("\"reason\":\"bad_request\"").doesNotContain("<html");
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).get("reason").asString()).isEqualTo(reason);
        assertThat(response.body()).doesNotContain("Exception", "java.", "net.tallynet");
    }
}
