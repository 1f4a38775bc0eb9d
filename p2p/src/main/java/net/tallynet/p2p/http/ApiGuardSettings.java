package net.tallynet.p2p.http;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the {@link ApiGuardFilter} enforces on {@code /api/**}, built by each service from its own properties.
 *
 * @param token             bearer token; blank: every guarded request is refused (403 with the method's reason)
 * @param guardedMethods    HTTP method to the reason given when no token is set, e.g. {@code POST -> spending_disabled}
 * @param maxBodyBytes      {@code "METHOD /path"} to the largest body that endpoint takes
 * @param defaultBodyBytes  the largest body any other request under {@code /api} may carry
 * @param bodyTimeout       the longest a request body may take to arrive, all of it
 * @param readTimeout       the longest wait for the next bytes of a request (line, headers, body) and between
 *                          requests on a kept-alive connection (Tomcat's connection timeout); upgraded
 *                          WebSocket connections keep their own keep-alive instead
 * @param rateLimited       {@code "METHOD /path"} of the endpoints counted against a client's rate
 * @param requestsPerSecond sustained rate of those requests per client address
 * @param burst             requests a client may make at once before the rate applies
 */
public record ApiGuardSettings(String token, Map<String, String> guardedMethods, Map<String, Long> maxBodyBytes,
                               long defaultBodyBytes, Duration bodyTimeout, Duration readTimeout, Set<String> rateLimited,
                               long requestsPerSecond, long burst) {

    public ApiGuardSettings {
        token = token == null || token.isBlank() ? null : token;
        guardedMethods = Map.copyOf(guardedMethods);
        maxBodyBytes = Map.copyOf(maxBodyBytes);
        rateLimited = Set.copyOf(rateLimited);
        if (defaultBodyBytes < 0 || !bodyTimeout.isPositive() || !readTimeout.isPositive() || requestsPerSecond < 1
                || burst < 1) {
            throw new IllegalArgumentException("API limits must be positive");
        }
    }

    long maxBodyBytes(String method, String path) {
        return maxBodyBytes.getOrDefault(method + " " + path, defaultBodyBytes);
    }
}
