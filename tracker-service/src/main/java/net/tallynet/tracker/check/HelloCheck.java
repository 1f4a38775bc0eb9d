package net.tallynet.tracker.check;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.tallynet.p2p.LocalPeer;
import net.tallynet.p2p.http.HttpApiConfiguration;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import org.springframework.stereotype.Component;

/**
 * One liveness check: open {@code ws://host:port/p2p}, send HELLO, wait for HEY, take the member's
 * own HELLO if it follows at once (its blockCount is the height the dashboard shows), close (1000).
 * Uses the JDK's asynchronous WebSocket client: one selector thread serves every check in flight.
 */
@Component
public class HelloCheck implements AutoCloseable {
    /**
     * How long to wait for the member's HELLO after its HEY. A node sends it right behind the HEY
     * (PROTOCOL.md 7.1), so this costs nothing with real members; one that never sends it still
     * passes the check, only without a height, and holds a check slot no longer than this.
     */
    static final Duration HELLO_GRACE = Duration.ofSeconds(1);

    /** How a check ended and, when the member's HELLO came, its blockCount (else null). */
    public record Result(CheckOutcome outcome, Long blockCount) {
    }

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

    public CompletableFuture<Result> check(String host, int port) {
        CompletableFuture<Result> outcome = new CompletableFuture<>();
        HeyListener listener = new HeyListener(outcome);
        String hello = codec.encode(local.hello());
        client.newWebSocketBuilder().connectTimeout(properties.timeout())
                .buildAsync(URI.create("ws://" + uriHost(host) + ":" + port + HttpApiConfiguration.P2P_PATH), listener)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        outcome.complete(new Result(CheckOutcome.UNREACHABLE, null));
                    } else {
                        socket.sendText(hello, true);
                    }
                });
        // at the deadline a member that said HEY has passed, whether or not its HELLO came
        CompletableFuture.delayedExecutor(properties.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .execute(listener::deadline);
        return outcome.whenComplete((result, error) -> listener.closeQuietly());
    }

    private static String uriHost(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Collects text messages (which may arrive in parts): HEY passes the check, the HELLO after it gives the height. */
    private final class HeyListener implements WebSocket.Listener {
        private final CompletableFuture<Result> outcome;
        private final StringBuilder text = new StringBuilder();
        private volatile WebSocket socket;
        private volatile boolean hey;

        HeyListener(CompletableFuture<Result> outcome) {
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
                finish(CheckOutcome.BAD_ANSWER, null);
                return null;
            }
            text.append(data);
            if (last) {
                DecodeResult result = codec.decode(text.toString());
                text.setLength(0);
                if (!hey && result instanceof DecodeResult.Decoded(HeyMessage _)) {
                    hey = true;
                    // passed; the HELLO that follows is a bonus, never a reason to fail
                    CompletableFuture.delayedExecutor(HELLO_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                            .execute(() -> outcome.complete(new Result(CheckOutcome.OK, null)));
                } else if (hey && result instanceof DecodeResult.Decoded(HelloMessage hello)) {
                    outcome.complete(new Result(CheckOutcome.OK, hello.blockCount()));
                    return null;
                } else if (result instanceof DecodeResult.Rejected) {
                    finish(CheckOutcome.BAD_ANSWER, null);
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        void deadline() {
            finish(CheckOutcome.TIMEOUT, null);
        }

        /** A failure, unless HEY already passed the check. */
        private void finish(CheckOutcome failure, Long blockCount) {
            outcome.complete(hey ? new Result(CheckOutcome.OK, blockCount) : new Result(failure, null));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            finish(CheckOutcome.BAD_ANSWER, null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            finish(CheckOutcome.UNREACHABLE, null);
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
