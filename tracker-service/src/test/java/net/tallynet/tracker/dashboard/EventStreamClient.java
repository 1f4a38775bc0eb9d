package net.tallynet.tracker.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A browser's EventSource, as far as tests need one: opens {@code /api/events} and collects the events by name. */
final class EventStreamClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One server-sent event: its name and its data line. */
    record Event(String name, String data) {
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    private EventStreamClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    static EventStreamClient open(int port) {
        return new EventStreamClient(send(port, HttpResponse.BodyHandlers.ofLines()));
    }

    /** The answer to a request as EventSource sends it, read whole (a refusal is a short JSON body). */
    static HttpResponse<String> refusal(int port) {
        return send(port, HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(int port, HttpResponse.BodyHandler<T> body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                    .header("Accept", "text/event-stream").build(), body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<Stream<String>> response() {
        return response;
    }

    /** Whether the server ended the stream (the reader saw its end). */
    boolean ended() {
        return !reader.isAlive();
    }

    /** The next event called {@code name} within {@code wait}, skipping others; null if none came. */
    Event next(String name, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Event event = events.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && event.name().equals(name)) {
                return event;
            }
        }
        return null;
    }

    private void read() {
        String name = "message";
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (RuntimeException e) {
            // closed by the test
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
