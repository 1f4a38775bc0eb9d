package net.tallynet.tracker.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Each check runs on a virtual thread over a blocking socket ({@link RawWebSocket}): a check waiting
 * on a slow member holds a few KB and no platform thread, and costs little CPU, so one tracker checks
 * 100,000 members every interval (README "The tracker", ./tallynet bench-tracker).
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

    private final ExecutorService checks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("check-", 0).factory());
    /** Closes a check's socket at its deadline; a check that ends first cancels its task, which leaves the queue. */
    private final ScheduledThreadPoolExecutor watchdogs = watchdogs();
    private final LocalPeer local;
    private final FrameCodec codec;
    private final ChecksProperties properties;

    public HelloCheck(LocalPeer local, FrameCodec codec, ChecksProperties properties) {
        this.local = local;
        this.codec = codec;
        this.properties = properties;
    }

    public CompletableFuture<Result> check(String host, int port) {
        return CompletableFuture.supplyAsync(() -> checkNow(host, port), checks);
    }

    /**
     * Connect (unreachable if that fails or takes longer than the timeout), then HEY within the timeout
     * of the start: passed; without it, timeout, or bad answer for anything else (a close, a frame that is
     * no HEY, a broken connection). After HEY nothing fails the check. The timeout is absolute: a socket
     * timeout only bounds each wait for bytes, and a member trickling them (a header byte at a time, a
     * ping every few seconds) would otherwise hold the check, its slot and the whole round for ever, so a
     * watchdog closes the socket at the deadline.
     */
    private Result checkNow(String host, int port) {
        long deadline = System.nanoTime() + properties.timeout().toNanos();
        Socket socket = new Socket();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = watchdogs.schedule(() -> {
            timedOut.set(true);
            closeQuietly(socket);
        }, properties.timeout().toNanos(), TimeUnit.NANOSECONDS);
        RawWebSocket ws = null;
        boolean hey = false;
        try {
            try {
                socket.connect(new InetSocketAddress(host, port), (int) properties.timeout().toMillis());
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                return new Result(CheckOutcome.UNREACHABLE, null);
            }
            try {
                socket.setSoTimeout(remainingMillis(deadline));
                ws = RawWebSocket.upgrade(socket, uriHost(host) + ":" + port, HttpApiConfiguration.P2P_PATH,
                        codec.limits().maxFrameBytes());
            } catch (IOException e) {
                // no WebSocket there, or none in time
                return new Result(timedOut.get() || e instanceof SocketTimeoutException ? CheckOutcome.TIMEOUT
                        : CheckOutcome.UNREACHABLE, null);
            }
            ws.sendText(codec.encode(local.hello()));
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline));
                RawWebSocket.Frame frame = ws.read();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    return finish(hey, CheckOutcome.BAD_ANSWER, null);
                }
                DecodeResult result = codec.decode(frame.text());
                if (!hey && result instanceof DecodeResult.Decoded(HeyMessage _)) {
                    hey = true;
                    // passed; the HELLO that follows is a bonus, never a reason to fail (waited for up to
                    // the grace, within the timeout)
                    long graceEnd = System.nanoTime() + HELLO_GRACE.toNanos();
                    if (graceEnd - deadline < 0) {
                        deadline = graceEnd;
                    }
                } else if (hey && result instanceof DecodeResult.Decoded(HelloMessage hello)) {
                    return new Result(CheckOutcome.OK, hello.blockCount());
                } else if (result instanceof DecodeResult.Rejected) {
                    return finish(hey, CheckOutcome.BAD_ANSWER, null);
                }
            }
        } catch (IOException e) {
            return finish(hey, timedOut.get() || e instanceof SocketTimeoutException ? CheckOutcome.TIMEOUT
                    : CheckOutcome.BAD_ANSWER, null);
        } finally {
            if (ws != null && !timedOut.get()) {
                sayGoodbye(ws); // before the watchdog goes: it bounds this write too
            }
            watchdog.cancel(false);
            closeQuietly(socket);
        }
    }

    /** A failure, unless HEY already passed the check. */
    private static Result finish(boolean hey, CheckOutcome failure, Long blockCount) {
        return hey ? new Result(CheckOutcome.OK, blockCount) : new Result(failure, null);
    }

    /** At least 1 ms: a socket timeout of 0 would mean none. */
    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("check deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Says goodbye properly (1000); the socket closes right after, whether or not the frame went out. */
    private static void sayGoodbye(RawWebSocket ws) {
        try {
            ws.sendClose(1000, "normal");
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    private static String uriHost(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static ScheduledThreadPoolExecutor watchdogs() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("check-deadlines").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Override
    public void close() {
        checks.shutdownNow();
        watchdogs.shutdownNow();
    }
}
