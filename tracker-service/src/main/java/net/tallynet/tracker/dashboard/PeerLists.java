package net.tallynet.tracker.dashboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a member who it is connected to: {@code GET http://host:apiPort/api/peers}, where apiPort is
 * the member's registered P2P port plus {@code tallynet.dashboard.member-api-port-offset} (a node
 * serves REST on a port of its own, which registration does not carry). Members are strangers: the answer must come within the timeout,
 * all of it, and be no larger than the cap, else it is ignored; nothing here ever fails.
 */
@Component
class PeerLists implements AutoCloseable {
    private final HttpClient client;
    private final JsonMapper json;
    private final DashboardProperties properties;

    PeerLists(JsonMapper json, DashboardProperties properties) {
        this.json = json;
        this.properties = properties;
        this.client = HttpClient.newBuilder().connectTimeout(properties.pollTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** What {@code /api/peers} lists; only the node id matters here. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PeerEntry(String nodeId) {
    }

    /**
     * The node ids the member registered at host:port (its P2P address) lists as its peers, asked on
     * its API port; empty when it did not answer well in time.
     */
    CompletableFuture<Set<String>> peersOf(String host, int port) {
        int apiPort = port + properties.memberApiPortOffset();
        if (apiPort < 1 || apiPort > 65535) {
            return CompletableFuture.completedFuture(Set.of());
        }
        String uriHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + uriHost + ":" + apiPort + "/api/peers"))
                .timeout(properties.pollTimeout()).header("Accept", "application/json").GET().build();
        int cap = (int) properties.maxPeersBytes().toBytes();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = client.sendAsync(request, info -> info.statusCode() == 200
                    && info.headers().firstValueAsLong("Content-Length").orElse(0) <= cap
                    ? new CappedBody(cap) : new CappedBody(-1));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Set.of());
        }
        // the request timeout ends at the headers; a body that trickles is cut off here, the exchange cancelled
        CompletableFuture.delayedExecutor(properties.pollTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> sent.cancel(true));
        return sent.handle((response, error) -> error != null ? Set.of() : parse(response.body()));
    }

    private Set<String> parse(byte[] body) {
        try {
            PeerEntry[] entries = json.readValue(body, PeerEntry[].class);
            return List.of(entries).stream().filter(e -> e != null && e.nodeId() != null)
                    .map(PeerEntry::nodeId).collect(Collectors.toUnmodifiableSet());
        } catch (JacksonException e) {
            return Set.of();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** Collects the body up to {@code cap} bytes and fails past it, without reading the rest; a negative cap refuses at once. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (cap < 0) {
                refuse();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (out.size() + item.remaining() > cap) {
                    refuse();
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                out.writeBytes(bytes);
            }
            subscription.request(1);
        }

        private void refuse() {
            subscription.cancel();
            body.completeExceptionally(new IllegalStateException("peer list refused: not 200 or over the cap"));
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
    }
}
