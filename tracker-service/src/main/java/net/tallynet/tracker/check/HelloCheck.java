package net.tallynet.tracker.check;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.tallynet.p2p.LocalPeer;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.HeyMessage;
import org.springframework.stereotype.Component;

/**
 * One liveness check: open {@code ws://host:port/p2p}, send HELLO, wait for HEY, close (1000).
 * Uses the JDK's asynchronous WebSocket client: one selector thread serves every check in flight.
 */
@Component
public class HelloCheck implements AutoCloseable {
    private final HttpClient client;
    private final LocalPeer local;
    private final FrameCodec codec;
    private final ChecksProperties properties;

    public HelloCheck(LocalPeer local, FrameCodec codec, ChecksProperties properties) {
        this.local = local;
        this.codec = codec;
        this.properties = properties;
        this.client = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    public CompletableFuture<CheckOutcome> check(String host, int port) {
        CompletableFuture<CheckOutcome> outcome = new CompletableFuture<>();
        HeyListener listener = new HeyListener(outcome);
        String hello = codec.encode(local.hello());
        client.newWebSocketBuilder().connectTimeout(properties.timeout())
                .buildAsync(URI.create("ws://" + uriHost(host) + ":" + port + "/p2p"), listener)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        outcome.complete(CheckOutcome.UNREACHABLE);
                    } else {
                        socket.sendText(hello, true);
                    }
                });
        return outcome.completeOnTimeout(CheckOutcome.TIMEOUT, properties.timeout().toMillis(),
                        TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> listener.closeQuietly());
    }

    private static String uriHost(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Collects one text message (which may arrive in parts) and completes on HEY. */
    private final class HeyListener implements WebSocket.Listener {
        private final CompletableFuture<CheckOutcome> outcome;
        private final StringBuilder text = new StringBuilder();
        private volatile WebSocket socket;

        HeyListener(CompletableFuture<CheckOutcome> outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (text.length() + data.length() > codec.limits().maxFrameBytes()) {
                outcome.complete(CheckOutcome.BAD_ANSWER);
                return null;
            }
            text.append(data);
            if (last) {
                DecodeResult result = codec.decode(text.toString());
                text.setLength(0);
                if (result instanceof DecodeResult.Decoded(HeyMessage _)) {
                    outcome.complete(CheckOutcome.OK);
                    return null;
                }
                if (result instanceof DecodeResult.Rejected) {
                    outcome.complete(CheckOutcome.BAD_ANSWER);
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            outcome.complete(CheckOutcome.BAD_ANSWER);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            outcome.complete(CheckOutcome.UNREACHABLE);
        }

        void closeQuietly() {
            WebSocket open = socket;
            if (open != null && !open.isOutputClosed()) {
                // say goodbye properly, but never keep the socket longer than a moment for it
                open.sendClose(WebSocket.NORMAL_CLOSURE, "normal")
                        .orTimeout(1, TimeUnit.SECONDS)
                        .whenComplete((closed, error) -> open.abort());
            }
        }
    }
}
