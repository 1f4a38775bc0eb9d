package net.tallynet.lab.run;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import net.tallynet.lab.record.LabRecord;
import tools.jackson.databind.JsonNode;

/**
 * One node's live events ({@code GET /api/events}, server-sent events) turned into the run's record:
 * each block it connects, each transaction it pools, each reorganisation, stamped with the lab's
 * clock as they arrive (a few milliseconds after the node's own moment, on loopback). The stream is
 * opened again whenever it ends, as it does when the node is killed and restarted.
 */
final class EventFeed {
    private final LabNode node;
    private final LabRecord record;
    private final LabClock clock;
    private final NodeApi api;
    /** A peer's P2P port to its node id (0 when the port is no lab node's). */
    private final IntUnaryOperator nodeAtPort;
    private volatile boolean running = true;

    EventFeed(LabNode node, LabRecord record, LabClock clock, NodeApi api, IntUnaryOperator nodeAtPort) {
        this.node = node;
        this.record = record;
        this.clock = clock;
        this.api = api;
        this.nodeAtPort = nodeAtPort;
    }

    void start() {
        Thread.ofVirtual().name("events-" + node.name()).start(this::follow);
    }

    void stop() {
        running = false;
    }

    private void follow() {
        HttpRequest request = HttpRequest.newBuilder(NodeApi.uri(node.apiPort(), "/api/events"))
                .header("Accept", "text/event-stream").build();
        while (running) {
            if (node.live()) {
                try {
                    HttpResponse<Stream<String>> response = api.client().send(request, HttpResponse.BodyHandlers.ofLines());
                    if (response.statusCode() == 200) {
                        try (Stream<String> lines = response.body()) {
                            read(lines.iterator());
                        }
                    } else {
                        response.body().close();
                    }
                } catch (IOException | RuntimeException e) {
                    // the node went away (killed, restarting): open the stream again once it is back
                } catch (InterruptedException e) {
                    return;
                }
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private void read(Iterator<String> lines) {
        String event = null;
        while (running && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:") && event != null) {
                handle(event, NodeApi.JSON.readTree(line.substring(5).trim()));
            } else if (line.isEmpty()) {
                event = null;
            }
        }
    }

    private void handle(String event, JsonNode data) {
        long at = clock.millis();
        switch (event) {
            case "block" -> {
                if (data.path("skipped").asLong() == 0) {
                    record.seen(new LabRecord.BlockSeen(data.path("hash").asString(), data.path("number").asLong(), node.id(),
                            at, fromNode(data.path("from").asString()), data.path("transactions").asInt()));
                }
            }
            case "transaction" -> {
                if (data.hasNonNull("id")) {
                    record.seen(new LabRecord.TransactionSeen(data.path("id").asString(), node.id(), at));
                }
            }
            case "reorg" -> record.reorg(new LabRecord.Reorg(node.id(), at, data.path("depth").asInt()));
            default -> {
                // peer and sync events: not recorded
            }
        }
    }

    /** "127.0.0.1:8083" (the peer's listening port from its HELLO) to that node's id; "this node" and others to 0. */
    private int fromNode(String from) {
        int colon = from.lastIndexOf(':');
        if (colon < 0) {
            return 0;
        }
        try {
            return nodeAtPort.applyAsInt(Integer.parseInt(from.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
