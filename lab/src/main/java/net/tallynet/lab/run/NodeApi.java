package net.tallynet.lab.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A node's REST API on 127.0.0.1, as the lab asks it: short timeouts, an absent answer rather than an exception. */
public final class NodeApi {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token;

    NodeApi(String token) {
        this.token = token;
    }

    /** {@code GET path} as text when the node answers 200 within 5 s. */
    public Optional<String> text(int apiPort, String path) {
        return send(HttpRequest.newBuilder(uri(apiPort, path)).timeout(Duration.ofSeconds(5)).build());
    }

    public Optional<JsonNode> json(int apiPort, String path) {
        return text(apiPort, path).flatMap(NodeApi::parse);
    }

    /** {@code POST path} with a JSON body and the lab's API token. */
    public Optional<JsonNode> post(int apiPort, String path, String body) {
        return send(HttpRequest.newBuilder(uri(apiPort, path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).flatMap(NodeApi::parse);
    }

    /** A 200 answer that is not JSON (a proxy's page, a half-written body) counts as no answer, never as a crash. */
    private static Optional<JsonNode> parse(String body) {
        try {
            return Optional.of(JSON.readTree(body));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    HttpClient client() {
        return HTTP;
    }

    static URI uri(int apiPort, String path) {
        return URI.create("http://127.0.0.1:" + apiPort + path);
    }

    private static Optional<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
