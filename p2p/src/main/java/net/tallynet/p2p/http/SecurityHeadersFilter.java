package net.tallynet.p2p.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Headers that make the dashboards safe to open: a strict Content-Security-Policy (scripts, styles,
 * images and connections from this service only, no inline script or style, no frames, no forms
 * posting elsewhere), no MIME sniffing, no referrer. Every response gets them except the API
 * explorer's (Swagger UI, a third-party page that styles itself inline), which shows no node data
 * and sends nothing without the token the user types.
 */
public final class SecurityHeadersFilter extends OncePerRequestFilter {
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (!path.startsWith("/api/explorer") && !path.startsWith("/swagger-ui")) {
            response.setHeader("Content-Security-Policy", POLICY);
            response.setHeader("X-Frame-Options", "DENY");
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
