package net.tallynet.tracker.api;

import net.tallynet.p2p.http.JsonErrorAdvice;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The tracker's REST errors: those every API here shares (the tracker has no errors of its own yet). */
@RestControllerAdvice
class ApiErrors extends JsonErrorAdvice {
}
