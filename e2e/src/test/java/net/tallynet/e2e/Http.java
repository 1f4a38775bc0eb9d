package net.tallynet.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP to a service's mapped port on the loopback. */
final class Http {
    static final String TOKEN = "e2e-token-0123456789";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Http() {
    }

    static String text(int port, String path) {
        return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).build()).body();
    }

    static JsonNode get(int port, String path) {
        return JSON.readTree(text(port, path));
    }

    static JsonNode post(int port, String path, String body) {
        return post(port, path, body, Duration.ofSeconds(60));
    }

    static JsonNode post(int port, String path, String body, Duration timeout) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(port, path)).timeout(timeout)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }
}
