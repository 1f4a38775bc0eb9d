package net.tallynet.p2p.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the container forwards what escaped the controllers (a {@code sendError}, an exception in a
 * filter, a method Tomcat refuses such as TRACE): JSON with a reason for every method and every
 * {@code Accept}, in place of Spring Boot's Whitelabel page and its default JSON.
 */
@RestController
public class JsonErrorController implements ErrorController {
    private static final Logger log = LoggerFactory.getLogger(JsonErrorController.class);
    private static final MediaType JSON_UTF8 = new MediaType(MediaType.APPLICATION_JSON, StandardCharsets.UTF_8);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for directly, /error is just a path that serves nothing
        int status = code instanceof Integer i && i >= 400 ? i : code == null ? 404 : 500;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        ApiError error = failure instanceof ApiException api && api.status() == status
                ? new ApiError(api.reason(), api.getMessage())
                : new ApiError(HttpReasons.forStatus(status), HttpReasons.describe(status));
        if (status >= 500 && failure instanceof Throwable t) {
            log.warn("{} {} failed", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), status, t);
        }
        // the content type is set here, so no Accept header can turn the error into a 406 or a page
        return ResponseEntity.status(status).contentType(JSON_UTF8).body(error);
    }
}
