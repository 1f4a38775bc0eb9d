package net.tallynet.node.api;

import java.util.NoSuchElementException;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors as JSON with a reason; never a stack trace. */
@RestControllerAdvice
class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(InvalidLedgerObjectException.class)
    ResponseEntity<ApiError> invalid(InvalidLedgerObjectException e) {
        return ResponseEntity.badRequest().body(new ApiError(e.reason().label(), e.getMessage()));
    }

    @ExceptionHandler(Wallet.InsufficientFundsException.class)
    ResponseEntity<ApiError> funds(Wallet.InsufficientFundsException e) {
        return ResponseEntity.badRequest().body(new ApiError("insufficient_funds", e.getMessage()));
    }

    @ExceptionHandler(Mempool.FullException.class)
    ResponseEntity<ApiError> full(Mempool.FullException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(new ApiError("mempool_full", e.getMessage()));
    }

    @ExceptionHandler({IllegalArgumentException.class, HttpMessageNotReadableException.class})
    ResponseEntity<ApiError> badRequest(Exception e) {
        return ResponseEntity.badRequest().body(new ApiError("bad_request", e.getMessage() == null ? "" : firstLine(e.getMessage())));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ApiError> notFound(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new ApiError("not_found", e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        log.warn("API request failed", e);
        return ResponseEntity.internalServerError().body(new ApiError("internal_error", "see the node's log"));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
