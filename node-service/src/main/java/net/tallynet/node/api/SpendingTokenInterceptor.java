package net.tallynet.node.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.web.servlet.HandlerInterceptor;

/** Spending endpoints (every POST under /api) need {@code Authorization: Bearer <tallynet.api.token>}. */
class SpendingTokenInterceptor implements HandlerInterceptor {
    private final ApiProperties properties;

    SpendingTokenInterceptor(ApiProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        if (!properties.spendingEnabled()) {
            return refuse(response, 403, "spending_disabled", "set tallynet.api.token to enable spending endpoints");
        }
        String header = request.getHeader("Authorization");
        String expected = "Bearer " + properties.token();
        // constant-time comparison: the token must not leak through response timing
        if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            return refuse(response, 401, "unauthorized", "Authorization: Bearer <token> required");
        }
        return true;
    }

    private static boolean refuse(HttpServletResponse response, int status, String reason, String detail)
            throws java.io.IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"reason\":\"" + reason + "\",\"detail\":\"" + detail + "\"}");
        return false;
    }
}
