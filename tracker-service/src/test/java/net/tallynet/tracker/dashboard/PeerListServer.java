package net.tallynet.tracker.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A member's REST side as the network map sees it: {@code GET /api/peers} on its own 127.0.0.1 port. */
final class PeerListServer implements AutoCloseable {

    /** How the server answers. */
    interface Answer {
        void write(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private PeerListServer(Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/peers", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                answer.write(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the tracker hung up (over the cap, too slow): that is the point of some tests
            }
        });
        server.start();
    }

    /** Answers with the node's JSON for peers with these node ids. */
    static PeerListServer listing(String... nodeIds) throws IOException {
        return new PeerListServer(exchange -> send(exchange, peersJson(nodeIds)));
    }

    static PeerListServer answering(Answer answer) throws IOException {
        return new PeerListServer(answer);
    }

    static String peersJson(String... nodeIds) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < nodeIds.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"nodeId\":\"").append(nodeIds[i])
                    .append("\",\"role\":\"node\",\"host\":\"127.0.0.1\",\"port\":").append(9000 + i)
                    .append(",\"direction\":\"outbound\",\"blockCount\":7,\"agent\":\"tallynet-node/0.1.0\"}");
        }
        return json.append("]").toString();
    }

    static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
