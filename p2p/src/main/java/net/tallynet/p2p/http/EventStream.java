package net.tallynet.p2p.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/events}: server-sent events for the dashboards and for scripts. Publishing never
 * touches the network: each subscriber has a bounded queue and its own sender (a virtual thread), so
 * whoever publishes (the chain, the mempool, the peer layer, often under their own locks) never
 * waits for a browser. A subscriber whose queue is full has stopped reading and is dropped; its
 * browser reconnects and reloads what it shows. Subscribers are capped in total and per client
 * address, and each stream ends after its lifetime (EventSource reconnects on its own), so nobody
 * can hold a connection or a thread for ever. At shutdown {@link HttpApiConfiguration} ends every
 * stream first: an open stream is an active request, and the web server's graceful shutdown would
 * wait its whole timeout (30 s) for it.
 */
public final class EventStream {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    /** How long a browser waits before reconnecting after a stream ends. */
    private static final long RETRY_MILLIS = 2_000;

    /**
     * @param maxSubscribers     streams open at once, all clients together
     * @param maxPerClient       streams open at once from one client address
     * @param queuedEvents       events waiting for one subscriber before it counts as stalled and is dropped
     * @param keepAlive          a comment line after this much silence, so proxies and dead clients show up
     * @param lifetime           a stream ends after this long; the browser reconnects
     */
    public record Settings(int maxSubscribers, int maxPerClient, int queuedEvents, Duration keepAlive, Duration lifetime) {
        public Settings {
            if (maxSubscribers < 1 || maxPerClient < 1 || queuedEvents < 1 || !keepAlive.isPositive() || !lifetime.isPositive()) {
                throw new IllegalArgumentException("event stream limits must be positive");
            }
        }
    }

    private final Settings settings;
    private final JsonMapper json;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    public EventStream(Settings settings, JsonMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /** A new stream for this client address, or a 503/429 {@link ApiException} when the caps are reached. */
    public SseEmitter subscribe(String client) {
        AtomicInteger fromClient = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        if (fromClient.incrementAndGet() > settings.maxPerClient()) {
            release(client);
            throw new ApiException(429, "too_many_streams", "at most " + settings.maxPerClient() + " event streams per client");
        }
        Subscriber subscriber = new Subscriber(client, new SseEmitter(settings.lifetime().toMillis()),
                new ArrayBlockingQueue<>(settings.queuedEvents()));
        synchronized (subscribers) {
            if (subscribers.size() >= settings.maxSubscribers()) {
                release(client);
                throw new ApiException(503, "too_many_streams", "at most " + settings.maxSubscribers() + " event streams at once");
            }
            subscribers.add(subscriber);
        }
        subscriber.emitter.onCompletion(subscriber::close);
        subscriber.emitter.onTimeout(subscriber::close);
        subscriber.emitter.onError(e -> subscriber.close());
        Thread.ofVirtual().name("events-" + client).start(subscriber::send);
        return subscriber.emitter;
    }

    /** Queues {@code data} as JSON for every subscriber, at once; drops those that stopped reading. */
    public void publish(String event, Object data) {
        if (subscribers.isEmpty()) {
            return;
        }
        SseEmitter.SseEventBuilder message = SseEmitter.event().name(event)
                .data(json.writeValueAsString(data), MediaType.APPLICATION_JSON);
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.queue.offer(message)) {
                log.debug("event stream to {} dropped: {} events unread", subscriber.client, settings.queuedEvents());
                // only marked: completing here would wait for the emitter, which its sender holds while it is
                // stuck writing to this very client; the sender completes it once that write ends or fails
                subscriber.close();
            }
        }
    }

    public int subscribers() {
        return subscribers.size();
    }

    /** Ends every open stream; browsers reconnect (to this service once it is back, or to nothing). */
    public void closeAll() {
        for (Subscriber subscriber : subscribers) {
            subscriber.emitter.complete();
            subscriber.close();
        }
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private final class Subscriber {
        final String client;
        final SseEmitter emitter;
        final BlockingQueue<SseEmitter.SseEventBuilder> queue;
        private volatile boolean closed;

        Subscriber(String client, SseEmitter emitter, BlockingQueue<SseEmitter.SseEventBuilder> queue) {
            this.client = client;
            this.emitter = emitter;
            this.queue = queue;
        }

        /**
         * The one thread that writes to this stream. It is never interrupted (an interrupt during a socket
         * write closes the socket under Tomcat); it looks at {@code closed} between writes instead, and
         * however it stops, it completes the response, so a client is never left with a silent stream.
         */
        void send() {
            try {
                emitter.send(SseEmitter.event().reconnectTime(RETRY_MILLIS).comment("tallynet events"));
                while (!closed) {
                    SseEmitter.SseEventBuilder next = queue.poll(settings.keepAlive().toMillis(), TimeUnit.MILLISECONDS);
                    if (!closed) {
                        emitter.send(next != null ? next : SseEmitter.event().comment("keep-alive"));
                    }
                }
            } catch (IOException | RuntimeException | InterruptedException e) {
                // the client went away (Spring completes a stream whose write failed) or the stream ended
                log.debug("event stream to {} ended: {}", client, e.toString());
            } finally {
                close();
                try {
                    emitter.complete();
                } catch (RuntimeException ignored) {
                    // already completed by the container
                }
            }
        }

        /** Stops the stream: its place is free at once, and its sender completes it within one keep-alive. */
        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            subscribers.remove(this);
            release(client);
            queue.clear();
        }
    }
}
