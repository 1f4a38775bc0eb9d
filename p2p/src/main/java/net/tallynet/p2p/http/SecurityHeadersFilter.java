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
 * posting elsewhere), no MIME sniffing, no referrer. The API explorer's pages (Swagger UI, a third-party
 * page that styles itself inline) get the same policy with inline styles allowed, and nothing else more.
 */
public final class SecurityHeadersFilter extends OncePerRequestFilter {
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final String EXPLORER_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    /** Where the node's {@code ApiExplorer} serves the API explorer: the pages given {@link #EXPLORER_POLICY}. */
    public static final String EXPLORER = "/api/explorer";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the path the request is served from: the raw URI would let /api/explorer/..;/ (Tomcat drops ";"
        // parameters and then resolves "..") pass for the explorer
        String path = ApiGuardFilter.servedPath(request);
        boolean explorer = path.equals(EXPLORER) || path.startsWith(EXPLORER + "/");
        response.setHeader("Content-Security-Policy", explorer ? EXPLORER_POLICY : POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
