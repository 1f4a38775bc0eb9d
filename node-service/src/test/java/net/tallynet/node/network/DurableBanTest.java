package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Bans that hold (security review item 17): a host's misbehaviour score survives reconnecting, a ban
 * survives a restart, operators see bans at {@code GET /api/peers/bans} and lift one with
 * {@code DELETE /api/peers/bans/{host}} and the API token; the tracker refuses that without a token.
 */
class DurableBanTest {
    private static final String TOKEN = "test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void reconnectingDoesNotResetTheScoreAndTheBanSurvivesARestartUntilLifted() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            String[] args = {"--tallynet.peers.max-outbound=0", "--tallynet.api.token=" + TOKEN};
            ConfigurableApplicationContext node = network.node("n", args);
            String tip = TestNetwork.chain(node).tip().hash();
            // 5 rejections (50 points), then a new connection: 5 more reach the threshold of 100
            try (RawPeer first = RawPeer.handshaken(port(node), "127.0.0.81", "0000000000000081")) {
                for (int i = 0; i < 5; i++) {
                    first.sendText("{\"GETBLOCK\": not json");
                }
                first.send(GetBlockMessage.byNumber(0)); // answered: the 5 rejections were handled before it
                first.expect(BlockMessage.class);
            }
            try (RawPeer second = RawPeer.handshaken(port(node), "127.0.0.81", "0000000000000082")) {
                for (int i = 0; i < 5; i++) {
                    second.sendText("{\"GETBLOCK\": not json");
                }
                RawPeer.Frame close = second.awaitClose(Duration.ofSeconds(10));
                assertThat(close).isNotNull();
                assertThat(close.closeReason()).isEqualTo("misbehaviour:not_json");
            }
            assertThat(get(node, "/api/peers/bans")).contains("\"host\":\"127.0.0.81\"", "\"reason\":\"not_json\"",
                    "\"until\":\"" + Instant.now().toString().substring(0, 4));

            network.stop(node);
            ConfigurableApplicationContext restarted = network.node("n", args);
            assertThatThrownBy(() -> new RawPeer(port(restarted), "127.0.0.81")).isInstanceOf(IOException.class)
                    .hasMessageContaining("403");
            assertThat(get(restarted, "/api/peers/bans")).contains("\"host\":\"127.0.0.81\"");

            assertThat(delete(restarted, "/api/peers/bans/127.0.0.81", null).statusCode()).isEqualTo(401);
            assertThat(delete(restarted, "/api/peers/bans/127.0.0.81", "wrong").statusCode()).isEqualTo(401);
            assertThat(delete(restarted, "/api/peers/bans/127.0.0.81", TOKEN).statusCode()).isEqualTo(204);
            assertThat(delete(restarted, "/api/peers/bans/127.0.0.81", TOKEN).statusCode()).isEqualTo(404);
            assertThat(get(restarted, "/api/peers/bans")).isEqualTo("[]");
            try (RawPeer again = RawPeer.handshaken(port(restarted), "127.0.0.81", "0000000000000083")) {
                again.send(GetBlockMessage.byNumber(0));
                assertThat(again.expect(BlockMessage.class).block().number()).isZero();
            }
            assertThat(TestNetwork.chain(restarted).tip().hash()).isEqualTo(tip);
            assertThat(restarted.getBean(Mempool.class).size()).isZero();
        }
    }

    @Test
    void theTrackerListsBansAndRefusesToLiftThemWithoutAToken() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext tracker = network.tracker("t");
            assertThat(get(tracker, "/api/peers/bans")).isEqualTo("[]");
            HttpResponse<String> refused = delete(tracker, "/api/peers/bans/127.0.0.84", "anything");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("admin_disabled");
        }
    }

    private static String get(ConfigurableApplicationContext context, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(url(context, path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> delete(ConfigurableApplicationContext context, String path, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(context, path)).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI url(ConfigurableApplicationContext context, String path) {
        return URI.create("http://127.0.0.1:" + TestNetwork.apiPort(context) + path);
    }
}
