package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API of a running node over real HTTP: mining, paying, the mempool, errors and metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.chain.preset=easy", "tallynet.api.token=" + NodeApiTest.TOKEN})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeApiTest extends RunningNodeTest {
    static final String TOKEN = "test-token-0123456789";
    private static final long REWARD = ChainParams.easy().blockReward();
    private static final String BOB = Ed25519Keys.address(Ed25519Keys.publicKey(Ed25519Keys.newSecretKey()));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void freshNodeIsAtGenesis() {
        JsonNode chain = get("/api/chain");
        assertThat(chain.get("height").asLong()).isZero();
        assertThat(chain.get("blockCount").asLong()).isEqualTo(1);
        assertThat(chain.get("bestHash").asString()).isEqualTo(Genesis.networkId("devnet"));
        assertThat(dataDir.resolve("wallet.key")).exists();
    }

    @Test
    @Order(2)
    void spendingEndpointsNeedTheToken() {
        assertThat(post("/api/blocks/generate", "{\"count\":1}", null).statusCode()).isEqualTo(401);
        assertThat(post("/api/blocks/generate", "{\"count\":1}", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/chain").get("height").asLong()).isZero();
    }

    @Test
    @Order(3)
    void generatedCoinbaseIsSpendableOnlyAfterMaturity() {
        HttpResponse<String> mined = post("/api/blocks/generate", "{\"count\":1}", TOKEN);
        assertThat(mined.statusCode()).isEqualTo(200);
        assertThat(read(mined).get("hashes")).hasSize(1);
        assertThat(get("/api/wallet").get("balance").asLong()).isEqualTo(REWARD);

        HttpResponse<String> tooEarly = post("/api/payments", "{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":100}", TOKEN);
        assertThat(tooEarly.statusCode()).isEqualTo(400);
        assertThat(read(tooEarly).get("reason").asString()).isEqualTo("insufficient_funds");
    }

    @Test
    @Order(4)
    void paymentGoesThroughTheMempoolIntoABlock() {
        post("/api/blocks/generate", "{\"count\":2}", TOKEN);
        // under the minimum relay fee (100 per 1000 bytes, about 25 here): refused, with its reason
        HttpResponse<String> free = post("/api/payments", "{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":1}", TOKEN);
        assertThat(free.statusCode()).as(free.body()).isEqualTo(400);
        assertThat(read(free).get("reason").asString()).isEqualTo("fee_too_low");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> paid = post("/api/payments", "{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":100}", TOKEN);
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        String id = read(paid).get("id").asString();

        JsonNode mempool = get("/api/mempool");
        assertThat(mempool.get("count").asInt()).isEqualTo(1);
        assertThat(mempool.get("transactions").get(0).get("id").asString()).isEqualTo(id);
        assertThat(mempool.get("transactions").get(0).get("fee").asLong()).isEqualTo(100);
        assertThat(mempool.get("nextBlock").get("ids")).extracting(JsonNode::asString).containsExactly(id);
        assertThat(mempool.get("nextBlock").get("fees").asLong()).isEqualTo(100);
        JsonNode waiting = get("/api/transactions/" + id);
        assertThat(waiting.get("status").asString()).isEqualTo("mempool");
        assertThat(waiting.get("confirmations").asLong()).isZero();
        assertThat(waiting.get("fee").asLong()).isEqualTo(100);
        assertThat(waiting.get("spent").get(0).get("amount").asLong()).isEqualTo(REWARD);
        assertThat(waiting.has("blockHash")).isFalse();
        assertThat(Instant.parse(waiting.get("pooledAt").asString())).isBetween(before, Instant.now());

        post("/api/blocks/generate", "{\"count\":1}", TOKEN);
        assertThat(get("/api/mempool").get("count").asInt()).isZero();
        JsonNode confirmed = get("/api/transactions/" + id);
        assertThat(confirmed.get("status").asString()).isEqualTo("confirmed");
        assertThat(confirmed.has("pooledAt")).isFalse();
        assertThat(confirmed.get("blockNumber").asLong()).isEqualTo(4);
        assertThat(confirmed.get("confirmations").asLong()).isEqualTo(1);
        assertThat(confirmed.get("fee").asLong()).isEqualTo(100);
        assertThat(confirmed.get("spent").get(0).get("address").asString()).isEqualTo(get("/api/wallet").get("address").asString());
        // 4 rewards, the fee came back to this node as miner, 1000 went to bob
        assertThat(get("/api/wallet").get("balance").asLong()).isEqualTo(4 * REWARD - 1000);
        JsonNode block = get("/api/blocks/4");
        assertThat(block.get("transactions")).hasSize(2);
        assertThat(block.get("transactions").get(0).get("outputs").get(0).get("amount").asLong()).isEqualTo(REWARD + 100);
        assertThat(get("/api/blocks/" + block.get("hash").asString()).get("number").asLong()).isEqualTo(4);
    }

    @Test
    @Order(5)
    void blocksAreListedNewestFirstWithoutTheirBodies() {
        JsonNode listed = get("/api/blocks?limit=3");
        assertThat(listed).extracting(b -> b.get("number").asLong()).containsExactly(4L, 3L, 2L);
        assertThat(listed.get(0).get("transactions").asInt()).isEqualTo(2);
        assertThat(listed.get(0).get("previousHash").asString()).isEqualTo(listed.get(1).get("hash").asString());
        assertThat(get("/api/blocks?to=1&limit=50")).extracting(b -> b.get("number").asLong()).containsExactly(1L, 0L);
        assertThat(raw("/api/blocks?limit=51").statusCode()).isEqualTo(400);
        assertThat(raw("/api/blocks?to=-1").statusCode()).isEqualTo(400);
        JsonNode coinbase = get("/api/transactions/" + get("/api/blocks/1").get("transactions").get(0).get("id").asString());
        assertThat(coinbase.get("spent")).isEmpty();
        assertThat(coinbase.has("fee")).as("a coinbase has no fee").isFalse();
    }

    @Test
    @Order(6)
    void rawTransactionsAreCheckedStrictlyAndDoubleSpendsRefused() {
        HttpResponse<String> garbage = post("/api/transactions", "{\"id\":\"nope\"}", TOKEN);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(read(garbage).get("reason").asString()).isEqualTo("missing_field");

        String id = read(post("/api/payments", "{\"to\":\"" + BOB + "\",\"amount\":5,\"fee\":100}", TOKEN)).get("id").asString();
        String raw = get("/api/transactions/" + id).get("transaction").toString();
        HttpResponse<String> again = post("/api/transactions", raw, TOKEN);
        assertThat(read(again).get("status").asString()).isEqualTo("already_known");

        HttpResponse<String> smuggled = post("/api/transactions", raw + "," + raw, TOKEN);
        assertThat(smuggled.statusCode()).isEqualTo(400);
        assertThat(read(smuggled).get("detail").asString()).contains("exactly one transaction");

        JsonNode tx = JSON.readTree(raw);
        String changedOutputs = raw.replace("\"amount\":5}", "\"amount\":6}");
        assertThat(changedOutputs).isNotEqualTo(raw);
        HttpResponse<String> tampered = post("/api/transactions", changedOutputs, TOKEN);
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(read(tampered).get("reason").asString()).isEqualTo("bad_transaction_id");
        assertThat(tx.get("id").asString()).isEqualTo(id);
    }

    @Test
    @Order(7)
    void errorsAreJsonWithAReason() {
        HttpResponse<String> badId = raw("/api/blocks/not-a-block");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(read(badId).get("reason").asString()).isEqualTo("bad_request");
        HttpResponse<String> missing = raw("/api/blocks/999");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(read(missing).get("reason").asString()).isEqualTo("not_found");
        HttpResponse<String> tooMany = post("/api/blocks/generate", "{\"count\":100000}", TOKEN);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).doesNotContain("Exception").doesNotContain("at net.");
    }

    @Test
    @Order(8)
    void prometheusExportsTheLedgerMetrics() {
        String metrics = raw("/actuator/prometheus").body();
        assertThat(metrics).contains("tallynet_chain_height", "tallynet_blocks_connected_total",
                "tallynet_mempool_transactions", "tallynet_mempool_bytes", "tallynet_block_accept_seconds");
    }

    private JsonNode get(String path) {
        HttpResponse<String> response = raw(path);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return read(response);
    }

    private HttpResponse<String> raw(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build());
    }

    private HttpResponse<String> post(String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
