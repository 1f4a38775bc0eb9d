package net.tallynet.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.api.RunningNodeTest;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.p2p.http.EventStream;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard over real HTTP: the page and its headers, live events (a reorganisation too), their caps, block arrivals. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.chain.preset=easy", "tallynet.api.token=test-token-0123456789", "tallynet.dashboard.events.max-per-client=2",
        "tallynet.dashboard.events.keep-alive=1s", "tallynet.dashboard.events.queued-events=8"})
class DashboardApiTest extends RunningNodeTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Each stream on a connection of its own: a closed stream's connection is never offered to the next request. */
    private final List<HttpClient> streamClients = new ArrayList<>();

    @Autowired
    EventStream events;

    @Autowired
    Ledger ledger;

    @Autowired
    ChainStore store;

    @Test
    void thePageAndItsAssetsAreServedUnderAStrictPolicy() throws Exception {
        for (String path : List.of("/", "/node.js", "/dashboard.css")) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(policy).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        String html = get("/").body();
        assertThat(html).contains("<title>Tallynet node</title>", "src=\"node.js\"")
                .doesNotContain("<script>", "style=\"", "http://", "https://");
    }

    @Test
    void eventsStreamEachNewBlockAndItsArrivalIsRecorded() throws Exception {
        // streams earlier tests closed are let go first (at their next keep-alive): this stream is then the only one
        await().atMost(Duration.ofSeconds(20)).until(() -> events.subscribers() == 0);
        HttpResponse<Stream<String>> stream = stream(HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.subscribers() == 1);
            String hash = generate();
            Iterator<String> it = lines.iterator();
            List<String> seen = new ArrayList<>();
            JsonNode block = null;
            boolean inBlockEvent = false;
            while (block == null && it.hasNext() && seen.size() < 200) {
                String line = it.next();
                seen.add(line);
                if (line.startsWith("event:")) {
                    inBlockEvent = line.equals("event:block");
                } else if (inBlockEvent && line.startsWith("data:")) {
                    JsonNode candidate = JSON.readTree(line.substring("data:".length()));
                    if (hash.equals(candidate.path("hash").asString(""))) {
                        block = candidate;
                    }
                } else if (line.isEmpty()) {
                    inBlockEvent = false; // an event ends at a blank line
                }
            }
            assertThat(block).as("the block event of %s in the lines read: %s (the stream %s)", hash, seen,
                    it.hasNext() ? "goes on" : "ended").isNotNull();
            assertThat(block.get("from").asString()).isEqualTo("this node");
        }
        JsonNode arrivals = JSON.readTree(get("/api/propagation").body());
        assertThat(arrivals.get(0).get("from").asString()).isEqualTo("this node");
        assertThat(arrivals.get(0).get("number").asLong()).isEqualTo(JSON.readTree(get("/api/chain").body()).get("height").asLong());
        JsonNode sync = JSON.readTree(get("/api/sync").body());
        assertThat(sync.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(sync.get("syncing").asBoolean()).isFalse();
    }

    @Test
    void aReorganisationIsAnnouncedWithItsDepthAndBothBranches() throws Exception {
        HttpResponse<Stream<String>> stream = stream(HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = stream.body()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.subscribers() > 0);
            // our branch: one block on the tip; theirs: two blocks on the same parent, so more work
            var tip = ledger.chain().tip();
            Block parent = store.block(tip.hash()).orElseThrow();
            String ours = generate();
            byte[] miner = Ed25519Keys.newSecretKey();
            Block theirs1 = TestBlocks.block(parent, miner, List.of());
            Block theirs2 = TestBlocks.block(theirs1, miner, List.of());
            ledger.acceptBlock(theirs1);
            ledger.acceptBlock(theirs2);

            Iterator<String> it = lines.iterator();
            JsonNode reorg = null;
            for (int read = 0; reorg == null && it.hasNext() && read < 500; read++) {
                if (it.next().equals("event:reorg")) {
                    reorg = JSON.readTree(it.next().substring("data:".length()));
                }
            }
            assertThat(reorg).as("a reorg event").isNotNull();
            assertThat(reorg.get("depth").asInt()).isEqualTo(1);
            assertThat(reorg.get("forkHash").asString()).isEqualTo(parent.hash());
            assertThat(reorg.get("disconnected")).extracting(JsonNode::asString).containsExactly(ours);
            assertThat(reorg.get("connected")).extracting(JsonNode::asString).containsExactly(theirs1.hash(), theirs2.hash());
        }
    }

    @Test
    void oneClientGetsAFewStreamsAndTheyAreReleasedWhenItGoes() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> events.subscribers() == 0);
        List<Stream<String>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<Stream<String>> ok = stream(HttpResponse.BodyHandlers.ofLines());
                assertThat(ok.statusCode()).isEqualTo(200);
                open.add(ok.body());
            }
            HttpResponse<String> refused = stream(HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).get("reason").asString()).isEqualTo("too_many_streams");
        } finally {
            open.forEach(Stream::close);
        }
        // the next keep-alive finds each closed connection and frees its place
        await().atMost(Duration.ofSeconds(20)).until(() -> events.subscribers() == 0);
        HttpResponse<Stream<String>> again = stream(HttpResponse.BodyHandlers.ofLines());
        assertThat(again.statusCode()).isEqualTo(200);
        again.body().close();
    }

    @Test
    void aStreamThatStopsReadingIsClosedNotBuffered() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> events.subscribers() == 0);
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // asks for the stream, then never reads a byte of it
            stalled.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.subscribers() == 1);
            String big = "x".repeat(64 * 1024);
            // the socket's buffers fill, the sender blocks, its 8 queued events fill: the stream is dropped, and
            // publishing never waits for it (the ledger publishes under its locks)
            long slowest = 0;
            for (int published = 0; events.subscribers() > 0; published++) {
                assertThat(published).as("events published before the stalled stream was dropped").isLessThan(5_000);
                long started = System.nanoTime();
                events.publish("test", big);
                slowest = Math.max(slowest, System.nanoTime() - started);
                Thread.sleep(1);
            }
            assertThat(Duration.ofNanos(slowest)).as("the longest publish").isLessThan(Duration.ofSeconds(2));
        }
        HttpResponse<Stream<String>> again = stream(HttpResponse.BodyHandlers.ofLines());
        assertThat(again.statusCode()).isEqualTo(200);
        again.body().close();
    }

    @AfterEach
    void closeStreams() {
        streamClients.forEach(HttpClient::shutdownNow);
    }

    private <T> HttpResponse<T> stream(HttpResponse.BodyHandler<T> body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        streamClients.add(client);
        return client.send(request("/api/events").header("Accept", "text/event-stream").build(), body);
    }

    private String generate() throws Exception {
        HttpResponse<String> mined = HTTP.send(request("/api/blocks/generate").header("Authorization", "Bearer test-token-0123456789")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"count\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(mined.statusCode()).as(mined.body()).isEqualTo(200);
        return JSON.readTree(mined.body()).get("hashes").get(0).asString();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    }
}
