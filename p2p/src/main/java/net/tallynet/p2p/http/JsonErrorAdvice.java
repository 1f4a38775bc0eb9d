package net.tallynet.p2p.http;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * The errors every REST API here shares, as JSON with a reason and the right status: refusals
 * ({@link ApiException}), Spring MVC's own (unknown path 404, wrong method 405 with {@code Allow},
 * wrong media type 415, unacceptable 406, bad parameters 400) and, last, 500 with the stack trace in
 * the log only. A service subclasses it as its {@code @RestControllerAdvice} and adds its own
 * exceptions; one advice, so the most specific handler always wins.
 */
public abstract class JsonErrorAdvice {
    private static final Logger log = LoggerFactory.getLogger(JsonErrorAdvice.class);
    private static final MediaType JSON_UTF8 = new MediaType(MediaType.APPLICATION_JSON, StandardCharsets.UTF_8);

    /** The error as JSON whatever the request's {@code Accept} said (a preset content type skips negotiation). */
    protected static ResponseEntity<ApiError> error(int status, String reason, String detail) {
        return ResponseEntity.status(status).contentType(JSON_UTF8).body(new ApiError(reason, detail));
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> refused(ApiException e) {
        return error(e.status(), e.reason(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return refused(api);
            }
        }
        // Spring refuses an absent body before any converter sees it: the same answer as the reader's
        if (String.valueOf(e.getMessage()).startsWith("Required request body is missing")) {
            return error(400, "not_json", "empty body");
        }
        return error(400, "bad_request", "the request body could not be read");
    }

    /** A path variable or parameter of the wrong type ({@code ?limit=abc}): Spring gives no status of its own. */
    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<ApiError> wrongParameter(TypeMismatchException e) {
        String name = e.getPropertyName();
        return error(400, "bad_request", (name == null ? "a parameter" : "parameter " + name) + " has the wrong type");
    }

    /**
     * The client went away while a response was being written (a dashboard tab closed during its
     * event stream): nothing to answer and nothing wrong here, so no warning and no stack trace.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
        log.debug("{} {}: the client went away", request.getMethod(), request.getRequestURI());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> other(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse known) {
            int status = known.getStatusCode().value();
            HttpHeaders headers = new HttpHeaders();
            headers.addAll(known.getHeaders());
            String detail = HttpReasons.describe(status);
            if (status == 405 && !headers.getAllow().isEmpty()) {
                detail = "allowed: " + String.join(", ", headers.getAllow().stream().map(Object::toString).sorted().toList());
            }
            return ResponseEntity.status(status).headers(headers).contentType(JSON_UTF8)
                    .body(new ApiError(HttpReasons.forStatus(status), detail));
        }
        log.warn("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return error(500, "internal_error", HttpReasons.describe(500));
    }
}
