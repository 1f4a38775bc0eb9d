package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.protocol.crypto.Ed25519Keys;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API tried as a hostile or careless client would (issue #22), over real HTTP against a
 * running node: one test per finding. Figures go to standard output.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.chain.preset=easy", "tallynet.api.token=" + HostileApiClientTest.TOKEN,
        "tallynet.api.read-timeout=2s", "tallynet.api.body-timeout=3s",
        "tallynet.api.rate-limit.burst=300", "tallynet.api.rate-limit.requests-per-second=1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class HostileApiClientTest extends RunningNodeTest {
    static final String TOKEN = "hostile-test-token";
    private static final String BOB = Ed25519Keys.address(Ed25519Keys.publicKey(Ed25519Keys.newSecretKey()));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void slowPartialBodiesWithoutTokenNeitherStallTheApiNorGetRead() throws Exception {
        int slow = 250;
        // warm: the first request of a fresh node initialises the dispatcher; the figure is about stalls
        long idleStart = System.nanoTime();
        assertThat(get("/api/chain").statusCode()).isEqualTo(200);
        long idleFirst = System.nanoTime() - idleStart;
        idleStart = System.nanoTime();
        assertThat(get("/api/chain").statusCode()).isEqualTo(200);
        long idle = System.nanoTime() - idleStart;
        // a refused body is neither read nor drained: the connection ends right after the answer, not when
        // the read timeout (2 s) gives up on the rest of the body
        try (Socket one = new Socket("127.0.0.1", port)) {
            one.setSoTimeout(5000);
            long sent = System.nanoTime();
            one.getOutputStream().write(("POST /api/payments HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"to\":\"").getBytes(StandardCharsets.US_ASCII));
            assertThat(RawHttp.read(one.getInputStream()).status()).isEqualTo(401);
            assertThat(one.getInputStream().read()).isEqualTo(-1);
            long closedAfter = (System.nanoTime() - sent) / 1_000_000;
            System.out.printf("[figures] a refused partial body: answered and closed after %d ms%n", closedAfter);
            assertThat(closedAfter).isLessThan(1500);
        }
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < slow; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("POST /api/payments HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"to\":\"").getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            // each is refused from its headers alone, before a byte of its body is waited for
            for (Socket socket : sockets.subList(0, 10)) {
                RawHttp.Response refused = RawHttp.read(socket.getInputStream());
                assertThat(refused.status()).isEqualTo(401);
                assertThat(reason(refused.body())).isEqualTo("unauthorized");
                assertThat(refused.header("connection")).isEqualTo("close");
            }
            long worst = 0;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                HttpResponse<String> chain = get("/api/chain");
                worst = Math.max(worst, System.nanoTime() - start);
                assertThat(chain.statusCode()).isEqualTo(200);
            }
            long generateStart = System.nanoTime();
            HttpResponse<String> mined = post("/api/blocks/generate", "{\"count\":1}", TOKEN);
            long generateNanos = System.nanoTime() - generateStart;
            assertThat(mined.statusCode()).as(mined.body()).isEqualTo(200);
            System.out.printf("[figures] GET /api/chain idle: first %d ms, then %d ms; with %d slow partial bodies open: "
                    + "worst of 5 %d ms, POST generate with the token %d ms%n", idleFirst / 1_000_000, idle / 1_000_000,
                    slow, worst / 1_000_000, generateNanos / 1_000_000);
            assertThat(worst).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(generateNanos).isLessThan(TimeUnit.SECONDS.toNanos(5));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    @Order(2)
    void slowBodyWithTheTokenGetsA408InsteadOfHoldingOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/payments HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Length: 200\r\n\r\n{\"to\":").getBytes(StandardCharsets.US_ASCII));
            // a byte a second: each read is within the read timeout (2 s), the whole body is not within 3 s
            AtomicBoolean stop = new AtomicBoolean();
            Thread dripper = Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        Thread.sleep(1000);
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the node closed the connection: expected
                }
            });
            RawHttp.Response timedOut = RawHttp.read(socket.getInputStream());
            stop.set(true);
            dripper.join(5000);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[figures] a body dripping a byte a second was refused after %d ms%n", millis);
            assertThat(timedOut.status()).isEqualTo(408);
            assertThat(reason(timedOut.body())).isEqualTo("request_timeout");
            assertThat(millis).isLessThan(8000);
        }
        // a body that stops arriving altogether: the read timeout (2 s) ends the wait
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            long start = System.nanoTime();
            socket.getOutputStream().write(("POST /api/payments HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: 200\r\n\r\n{\"to\":").getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                RawHttp.Response silent = RawHttp.read(socket.getInputStream());
                answer = silent.status() + " " + reason(silent.body());
            } catch (IOException e) {
                answer = "closed";
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[figures] a body that stopped arriving: %s after %d ms%n", answer, millis);
            assertThat(answer).isIn("408 request_timeout", "closed");
            assertThat(millis).isLessThan(6000);
        }
    }

    @Test
    @Order(3)
    void fiftyMegabyteBodiesAre413WithTheHeapBounded() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long fifty = 50L * 1024 * 1024;
        List<Future<RawHttp.Response>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                // half declare their length (refused from the headers), half are chunked (refused at the limit)
                boolean chunked = i % 2 == 1;
                String path = i < 4 ? "/api/transactions" : "/api/payments";
                answers.add(clients.submit(() -> sendHugeBody(path, fifty, chunked)));
            }
            for (Future<RawHttp.Response> answer : answers) {
                RawHttp.Response response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.body()).isEqualTo(413);
                assertThat(reason(response.body())).isEqualTo("body_too_large");
            }
        } finally {
            sampling.set(false);
            sampler.join();
        }
        long grownMb = (peak.get() - baseline) / (1024 * 1024);
        System.out.printf("[figures] 8 concurrent 50 MB bodies: all 413; heap grew at most %d MB over %d MB%n",
                grownMb, baseline / (1024 * 1024));
        // 8 x 50 MB = 400 MB if bodies were buffered; the limits keep each under the frame limit (4 MiB)
        assertThat(grownMb).isLessThan(150);
        assertThat(get("/api/mempool").body()).contains("\"count\":0");
    }

    private RawHttp.Response sendHugeBody(String path, long size, boolean chunked) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                    + TOKEN + "\r\n" + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.read(socket.getInputStream());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) '1');
            byte[] chunkHeader = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (long sent = 0; sent < size && !answer.isDone(); sent += chunk.length) {
                    if (chunked) {
                        out.write(chunkHeader);
                    }
                    out.write(chunk);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException e) {
                // the node answered and closed while we were still sending: what the test wants
            }
            return answer.join();
        }
    }

    @Test
    @Order(4)
    void moneyAndCountsAreReadStrictlyLikeFrames() {
        String heightBefore = chainHeight();
        String[][] payments = {
                {"{\"to\":\"" + BOB + "\",\"amount\":1000.5,\"fee\":10}", "wrong_type"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":10.5}", "wrong_type"},
                {"{\"to\":\"" + BOB + "\",\"amount\":\"1000\",\"fee\":10}", "wrong_type"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1e3,\"fee\":10}", "wrong_type"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":null}", "wrong_type"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1000}", "missing_field"},
                {"{\"amount\":1000,\"fee\":10}", "missing_field"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1,\"amount\":1000,\"fee\":10}", "duplicate_field"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":10,\"memo\":\"x\"}", "unknown_field"},
                {"{\"to\":\"" + BOB + "\",\"amount\":0,\"fee\":10}", "out_of_range"},
                {"{\"to\":\"" + BOB + "\",\"amount\":-5,\"fee\":10}", "out_of_range"},
                {"{\"to\":\"" + BOB + "\",\"amount\":99999999999999999999,\"fee\":10}", "out_of_range"},
                {"{\"to\":\"" + BOB.toUpperCase() + "\",\"amount\":1000,\"fee\":10}", "out_of_range"},
                {"{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":10} {}", "not_json"},
                {"[1000]", "not_an_object"},
                {"", "not_json"},
        };
        for (String[] payment : payments) {
            HttpResponse<String> refused = post("/api/payments", payment[0], TOKEN);
            assertThat(refused.statusCode()).as(payment[0]).isEqualTo(400);
            assertThat(reason(refused.body())).as(payment[0] + " " + refused.body()).isEqualTo(payment[1]);
            assertThat(refused.body()).doesNotContain("net.tallynet", "java.", "Exception");
        }
        String[][] generates = {
                {"{}", "missing_field"},
                {"{\"count\":1.5}", "wrong_type"},
                {"{\"count\":\"1\"}", "wrong_type"},
                {"{\"count\":true}", "wrong_type"},
                {"{\"count\":1,\"count\":2}", "duplicate_field"},
                {"{\"count\":1,\"cuont\":2}", "unknown_field"},
                {"{\"count\":0}", "out_of_range"},
                {"{\"count\":1001}", "out_of_range"},
        };
        for (String[] generate : generates) {
            HttpResponse<String> refused = post("/api/blocks/generate", generate[0], TOKEN);
            assertThat(refused.statusCode()).as(generate[0]).isEqualTo(400);
            assertThat(reason(refused.body())).as(generate[0] + " " + refused.body()).isEqualTo(generate[1]);
        }
        // no refused request changed anything
        assertThat(chainHeight()).isEqualTo(heightBefore);
        assertThat(get("/api/mempool").body()).contains("\"count\":0");

        // and the exact spelling works: both endpoints agree on what a payment's JSON may be
        assertThat(post("/api/blocks/generate", "{\"count\":3}", TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> paid = post("/api/payments", "{\"to\":\"" + BOB + "\",\"amount\":1000,\"fee\":100}", TOKEN);
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        String id = JSON.readTree(paid.body()).get("id").asString();
        JsonNode raw = JSON.readTree(get("/api/transactions/" + id).body()).get("transaction");
        String fractional = raw.toString().replaceFirst("\"amount\":1000([,}])", "\"amount\":1000.5$1");
        assertThat(fractional).isNotEqualTo(raw.toString());
        HttpResponse<String> rawRefused = post("/api/transactions", fractional, TOKEN);
        assertThat(rawRefused.statusCode()).isEqualTo(400);
        assertThat(reason(rawRefused.body())).isEqualTo("wrong_type");
    }

    @Test
    @Order(5)
    void everyEndpointAnswersWrongMethodsMediaTypesAndPathsWithJson(CapturedOutput output) {
        String[] gets = {"/api/chain", "/api/blocks/0", "/api/mempool", "/api/wallet", "/api/peers", "/api/peers/bans"};
        for (String path : gets) {
            HttpResponse<String> wrongMethod = send(request(path).method("PUT", HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + TOKEN).build());
            assertJsonError(wrongMethod, 405, "method_not_allowed");
            assertThat(wrongMethod.headers().firstValue("Allow")).as(path).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
            HttpResponse<String> html = send(request(path).header("Accept", "text/html").build());
            assertJsonError(html, 406, "not_acceptable");
        }
        String[] posts = {"/api/payments", "/api/transactions", "/api/blocks/generate"};
        for (String path : posts) {
            assertJsonError(send(request(path).method("PUT", HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json").build()), 405, "method_not_allowed");
            assertJsonError(send(request(path).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
                    415, "unsupported_media_type");
            assertJsonError(send(request(path).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "unsupported_media_type");
            assertJsonError(send(request(path + "/nope/deeper").header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
                    404, "not_found");
        }
        for (String path : new String[] {"/api/nope", "/api", "/api/block", "/nope", "/error"}) {
            assertJsonError(get(path), 404, "not_found");
            assertJsonError(send(request(path).header("Accept", "text/html").build()), 404, "not_found");
        }
        assertJsonError(get("/api/transactions/" + "0".repeat(64)), 404, "not_found");
        assertJsonError(send(request("/api/blocks/0").method("DELETE", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN).build()), 405, "method_not_allowed");
        // refusals name no Java class and log no stack trace
        assertThat(output.getAll()).doesNotContain("\tat org.springframework", "internal_error");
    }

    @Test
    @Order(6)
    void errorsTheContainerRaisesItselfAreJsonToo() {
        RawHttp.Response badEncoding = RawHttp.exchange(port, "GET /api/%zz HTTP/1.1\r\nHost: node\r\n\r\n", 5000);
        assertRawJsonError(badEncoding, 400, "bad_request");
        RawHttp.Response hugeHeader = RawHttp.exchange(port, "GET /api/chain HTTP/1.1\r\nHost: node\r\nX-Big: "
                + "a".repeat(9000) + "\r\n\r\n", 5000);
        assertThat(hugeHeader.status()).isIn(400, 431);
        assertThat(hugeHeader.header("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(hugeHeader.body()).get("reason").asString()).isNotBlank();
        RawHttp.Response trace = RawHttp.exchange(port, "TRACE /api/chain HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n", 5000);
        assertRawJsonError(trace, 405, "method_not_allowed");
        RawHttp.Response badRequestLine = RawHttp.exchange(port, "GET /api/chain HTTP/1.1 extra\r\nHost: node\r\n\r\n", 5000);
        assertThat(badRequestLine.status()).isEqualTo(400);
        assertThat(badRequestLine.header("content-type")).startsWith("application/json");
    }

    @Test
    @Order(7)
    void credentialsAreCheckedCaseInsensitivelyAndAnsweredInUtf8() {
        assertThat(post("/api/blocks/generate", "{\"count\":1}", null, "bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(post("/api/blocks/generate", "{\"count\":1}", null, "BEARER " + TOKEN).statusCode()).isEqualTo(200);
        for (String bad : new String[] {"Bearer wrong", "Basic " + TOKEN, "Bearer", "Bearer  " + TOKEN, TOKEN }) {
            HttpResponse<String> refused = post("/api/blocks/generate", "{\"count\":1}", null, bad);
            assertJsonError(refused, 401, "unauthorized");
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        }
        HttpResponse<String> missing = post("/api/blocks/generate", "{\"count\":1}", null);
        assertJsonError(missing, 401, "unauthorized");
    }

    @Test
    @Order(8)
    void webSocketConnectionsOutliveTheHttpReadTimeout() throws Exception {
        CompletableFuture<ByteBuffer> pong = new CompletableFuture<>();
        AtomicBoolean closed = new AtomicBoolean();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + p2pPort + "/p2p"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
                        pong.complete(message);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.set(true);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        // idle past the 2 s read timeout, still before the P2P handshake timeout (10 s)
        Thread.sleep(4500);
        socket.sendPing(ByteBuffer.wrap(new byte[] {7}));
        assertThat(pong.get(3, TimeUnit.SECONDS).get()).isEqualTo((byte) 7);
        assertThat(closed).isFalse();
        socket.abort();
    }

    @Test
    @Order(99)
    void noRefusalLoggedAFailure(CapturedOutput output) {
        // every request above was refused or answered as planned: none may have failed inside the node
        assertThat(output.getAll()).doesNotContain(" failed\n", "Failure in @ExceptionHandler", "\tat org.apache.catalina");
    }

    @Test
    @Order(100)
    void spendingEndpointsAndGenerateAreRateLimitedPerClient() {
        int limited = 0;
        HttpResponse<String> first429 = null;
        for (int i = 0; i < 400 && first429 == null; i++) {
            HttpResponse<String> response = post("/api/blocks/generate", "{\"count\":0}", TOKEN);
            if (response.statusCode() == 429) {
                first429 = response;
                limited = i;
            } else {
                assertThat(response.statusCode()).isEqualTo(400);
            }
        }
        assertThat(first429).as("no 429 in 400 requests").isNotNull();
        assertJsonError(first429, 429, "rate_limited");
        assertThat(first429.headers().firstValue("Retry-After")).isPresent();
        // other spellings of the same endpoint share its budget
        for (String spelling : new String[] {"/api/blocks/generate;x=1", "/api/blocks/./generate", "/api//blocks/generate"}) {
            HttpResponse<String> again = post(spelling, "{\"count\":0}", TOKEN);
            if (again.statusCode() == 400) {
                // the budget refills at 1 a second, so one request may just have found a new token: the
                // next one, at once, must not (a spelling with a budget of its own would pass 300 times)
                again = post(spelling, "{\"count\":0}", TOKEN);
            }
            assertThat(again.statusCode()).as(spelling + " " + again.body()).isIn(429, 404);
            if (again.statusCode() == 404) {
                assertThat(reason(again.body())).isEqualTo("not_found");
            }
        }
        System.out.printf("[figures] rate limit: %d generate requests passed before the first 429%n", limited);
        // reading is not limited
        assertThat(get("/api/chain").statusCode()).isEqualTo(200);
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(response.uri().toString())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(reason(response.body())).as(response.uri().toString()).isEqualTo(reason);
        assertThat(response.body()).doesNotContain("Exception", "java.", "net.tallynet", "<html");
    }

    private static void assertRawJsonError(RawHttp.Response response, int status, String reason) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("content-type")).as(response.headers() + response.body()).startsWith("application/json");
        assertThat(response.body()).as(response.headers()).startsWith("{").endsWith("}").containsOnlyOnce("reason");
        assertThat(reason(response.body())).isEqualTo(reason);
        assertThat(response.body()).doesNotContain("Tomcat", "<html");
    }

    private static String reason(String body) {
        return JSON.readTree(body).get("reason").asString();
    }

    private String chainHeight() {
        return JSON.readTree(get("/api/chain").body()).get("height").toString();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> get(String path) {
        return send(request(path).build());
    }

    private HttpResponse<String> post(String path, String body, String token) {
        return post(path, body, token, null);
    }

    private HttpResponse<String> post(String path, String body, String token, String authorization) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri().toString(), e);
        }
    }
}
