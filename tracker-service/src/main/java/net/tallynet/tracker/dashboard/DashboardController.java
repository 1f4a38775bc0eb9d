package net.tallynet.tracker.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import net.tallynet.p2p.http.EventStream;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The dashboard's data: {@code GET /api/network} (the map) and {@code GET /api/events} (server-sent events). */
@RestController
class DashboardController {
    private final NetworkMap network;
    private final EventStream events;

    DashboardController(NetworkMap network, EventStream events) {
        this.network = network;
        this.events = events;
    }

    @GetMapping("/api/network")
    NetworkView network() {
        return network.view();
    }

    /** Events {@code members} and {@code network}; a 503 or 429 JSON refusal when the stream caps are reached. */
    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(HttpServletRequest request) {
        SseEmitter emitter = events.subscribe(request.getRemoteAddr());
        network.interest();
        return emitter;
    }
}
