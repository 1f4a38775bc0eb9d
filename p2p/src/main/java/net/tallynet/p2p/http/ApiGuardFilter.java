package net.tallynet.p2p.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The door of {@code /api/**}, passed before anything reads a body: the bearer token for guarded
 * methods, the per-client rate of the costly endpoints, and each endpoint's body size and arrival
 * time. A refused request is answered at once with {@code Connection: close}, its body unread, so
 * no one without the token can make the service read, buffer or wait for a body.
 */
public final class ApiGuardFilter extends OncePerRequestFilter {
    /** Request attribute: the body was refused, so Tomcat must not drain it ({@link UnreadBodyValve}). */
    static final String BODY_REFUSED = ApiGuardFilter.class.getName() + ".bodyRefused";
    /** Client addresses remembered for rate limits; the least recently seen are forgotten first. */
    private static final int MAX_CLIENTS = 10_000;

    private final ApiGuardSettings settings;
    private final byte[] expectedToken;
    private final Map<String, Bucket> buckets = BoundedMaps.evictingEldest(MAX_CLIENTS, true);

    public ApiGuardFilter(ApiGuardSettings settings) {
        this.settings = settings;
        this.expectedToken = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The decoded, normalised path without ;parameters, as the controllers are matched: a spelling such as
     * /api/payments;x=1 must meet the same limits as /api/payments, and /api/explorer/..;/ is not the explorer's.
     */
    static String servedPath(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String method = request.getMethod();
        String path = servedPath(request);
        String endpoint = method + " " + path;
        try {
            String disabledReason = settings.guardedMethods().get(method);
            if (disabledReason != null) {
                authorize(request, disabledReason);
            }
            if (settings.rateLimited().contains(endpoint)) {
                charge(request.getRemoteAddr(), response);
            }
            long limit = settings.maxBodyBytes(method, path);
            long declared = request.getContentLengthLong();
            if (declared > limit) {
                throw new ApiException(413, "body_too_large", "a body of at most " + limit + " bytes for " + endpoint);
            }
            chain.doFilter(new LimitedBodyRequest(request, limit, settings.bodyTimeout()), response);
        } catch (ApiException refused) {
            if (response.isCommitted()) {
                throw refused;
            }
            // the body stays unread: closing is cheaper than draining it, and a slow sender cannot hold us
            request.setAttribute(BODY_REFUSED, Boolean.TRUE);
            response.setHeader("Connection", "close");
            HttpReasons.write(response, refused.status(), refused.reason(), refused.getMessage());
        }
    }

    private void authorize(HttpServletRequest request, String disabledReason) {
        if (expectedToken == null) {
            throw new ApiException(403, disabledReason, "set tallynet.api.token to enable this endpoint");
        }
        String header = request.getHeader("Authorization");
        // RFC 7235: the scheme is case-insensitive; one space, then the token compared in constant time
        boolean bearer = header != null && header.length() > 7 && header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ");
        byte[] presented = bearer ? header.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, expectedToken)) {
            throw new ApiException(401, "unauthorized", "Authorization: Bearer <token> required");
        }
    }

    private void charge(String client, HttpServletResponse response) {
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(client, c -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(settings.burst())
                            .refillGreedy(settings.requestsPerSecond(), Duration.ofSeconds(1)).build())
                    .build());
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            response.setHeader("Retry-After", Long.toString(seconds));
            throw new ApiException(429, "rate_limited", "too many requests from this address; retry in " + seconds + " s");
        }
    }

    /** The request as the application sees it: a body that ends in a 413 past the limit and a 408 past the time. */
    private static final class LimitedBodyRequest extends HttpServletRequestWrapper {
        private final long limit;
        private final Duration timeout;
        private ServletInputStream stream;

        LimitedBodyRequest(HttpServletRequest request, long limit, Duration timeout) {
            super(request);
            this.limit = limit;
            this.timeout = timeout;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit, System.nanoTime() + timeout.toNanos(),
                        () -> setAttribute(BODY_REFUSED, Boolean.TRUE));
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private final long deadline;
        private final Runnable onRefusal;
        private long read;

        LimitedStream(ServletInputStream in, long limit, long deadline, Runnable onRefusal) {
            this.in = in;
            this.limit = limit;
            this.deadline = deadline;
            this.onRefusal = onRefusal;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkTime();
            int n;
            try {
                // never ask for more than one byte past the limit: a body over it is refused, not buffered
                n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
            } catch (IOException e) {
                if (timedOut(e)) {
                    throw refuse(408, "request_timeout", "the request body did not arrive in time");
                }
                throw e;
            }
            checkTime();
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw refuse(413, "body_too_large", "a body of at most " + limit + " bytes here");
                }
            }
            return n;
        }

        private void checkTime() {
            if (System.nanoTime() - deadline > 0) {
                throw refuse(408, "request_timeout", "the request body did not arrive in time");
            }
        }

        private ApiException refuse(int status, String reason, String detail) {
            onRefusal.run();
            return new ApiException(status, reason, detail);
        }

        private static boolean timedOut(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SocketTimeoutException) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
