package net.tallynet.p2p;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Requests with one of the guarded HTTP methods need {@code Authorization: Bearer <tallynet.api.token>};
 * with no token configured they are refused (403), so nothing guarded works by default.
 */
public final class BearerTokenInterceptor implements HandlerInterceptor {
    private final String token;
    private final Set<String> guardedMethods;
    private final String disabledReason;

    /** {@code disabledReason}: the reason given when no token is set (e.g. {@code spending_disabled}). */
    public BearerTokenInterceptor(String token, Set<String> guardedMethods, String disabledReason) {
        this.token = token == null || token.isBlank() ? null : token;
        this.guardedMethods = Set.copyOf(guardedMethods);
        this.disabledReason = disabledReason;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!guardedMethods.contains(request.getMethod())) {
            return true;
        }
        if (token == null) {
            return refuse(response, 403, disabledReason, "set tallynet.api.token to enable this endpoint");
        }
        String header = request.getHeader("Authorization");
        String expected = "Bearer " + token;
        // constant-time comparison: the token must not leak through response timing
        if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            return refuse(response, 401, "unauthorized", "Authorization: Bearer <token> required");
        }
        return true;
    }

    private static boolean refuse(HttpServletResponse response, int status, String reason, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"reason\":\"" + reason + "\",\"detail\":\"" + detail + "\"}");
        return false;
    }
}
