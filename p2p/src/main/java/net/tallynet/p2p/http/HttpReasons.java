package net.tallynet.p2p.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The reason each HTTP error status gets when nothing more specific is known, and the one way errors are written. */
public final class HttpReasons {
    private HttpReasons() {
    }

    public static String forStatus(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 411 -> "length_required";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    /** One line for people, never naming a class. */
    public static String describe(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 401 -> "Authorization: Bearer <token> required";
            case 403 -> "forbidden";
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "this API answers application/json only";
            case 408 -> "the request body did not arrive in time";
            case 413 -> "the request body is over this endpoint's limit";
            case 414 -> "the request line is too long";
            case 415 -> "send application/json";
            case 429 -> "too many requests; retry later";
            default -> status >= 500 ? "see the service's log" : "refused";
        };
    }

    /** Writes {@code {"reason":..,"detail":..}} as UTF-8 JSON; the strings are ours, so only quotes and controls need escaping. */
    public static void write(HttpServletResponse response, int status, String reason, String detail) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        byte[] body = json(reason, detail).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    static String json(String reason, String detail) {
        return "{\"reason\":\"" + escape(reason) + "\",\"detail\":\"" + escape(detail) + "\"}";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
