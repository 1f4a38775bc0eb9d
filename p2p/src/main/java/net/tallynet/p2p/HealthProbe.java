package net.tallynet.p2p;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A container health check that needs nothing but the JVM (minimal images have no curl): exits 0
 * when {@code /actuator/health} on this container's {@code SERVER_PORT} answers 200 with status UP,
 * 1 otherwise. Used by the Dockerfiles' HEALTHCHECK.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/actuator/health")
                    .toURL().openConnection();
            http.setConnectTimeout(2000);
            http.setReadTimeout(3000);
            try (InputStream body = http.getResponseCode() == 200 ? http.getInputStream() : InputStream.nullInputStream()) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                System.exit(text.contains("\"status\":\"UP\"") ? 0 : 1);
            }
        } catch (IOException e) {
            System.exit(1);
        }
    }
}
