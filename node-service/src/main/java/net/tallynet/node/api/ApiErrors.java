package net.tallynet.node.api;

import java.util.NoSuchElementException;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.p2p.http.ApiError;
import net.tallynet.p2p.http.JsonErrorAdvice;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The node's errors as JSON with a reason, beside those every API shares; never a stack trace. */
@RestControllerAdvice
class ApiErrors extends JsonErrorAdvice {

    @ExceptionHandler(InvalidLedgerObjectException.class)
    ResponseEntity<ApiError> invalid(InvalidLedgerObjectException e) {
        return error(400, e.reason().label(), e.getMessage());
    }

    @ExceptionHandler(Wallet.InsufficientFundsException.class)
    ResponseEntity<ApiError> funds(Wallet.InsufficientFundsException e) {
        return error(400, "insufficient_funds", e.getMessage());
    }

    @ExceptionHandler(Mempool.FullException.class)
    ResponseEntity<ApiError> full(Mempool.FullException e) {
        return error(503, "mempool_full", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ApiError> badRequest(IllegalArgumentException e) {
        return error(400, "bad_request", e.getMessage() == null ? "" : firstLine(e.getMessage()));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ApiError> notFound(NoSuchElementException e) {
        return error(404, "not_found", e.getMessage());
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
