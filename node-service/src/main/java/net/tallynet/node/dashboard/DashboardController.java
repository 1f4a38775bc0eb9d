package net.tallynet.node.dashboard;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import net.tallynet.node.sync.SyncMonitor;
import net.tallynet.p2p.http.EventStream;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The public data only the dashboard needed so far: live events, sync progress, block arrivals. */
@RestController
class DashboardController {
    private final EventStream events;
    private final SyncMonitor sync;
    private final BlockArrivals arrivals;

    DashboardController(EventStream events, SyncMonitor sync, BlockArrivals arrivals) {
        this.events = events;
        this.sync = sync;
        this.arrivals = arrivals;
    }

    /** Server-sent events: {@code block}, {@code reorg}, {@code transaction}, {@code peer}, {@code sync} (JSON data). */
    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ApiResponse(responseCode = "200", description = "a stream of events; each event's data is one JSON object",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", description = "too_many_streams (from this address)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(ref = "#/components/schemas/ApiError")))
    @ApiResponse(responseCode = "503", description = "too_many_streams (all clients together)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(ref = "#/components/schemas/ApiError")))
    SseEmitter events(HttpServletRequest request) {
        return events.subscribe(request.getRemoteAddr());
    }

    @GetMapping(path = "/api/sync", produces = MediaType.APPLICATION_JSON_VALUE)
    SyncView sync() {
        return SyncView.of(sync);
    }

    /** The recent blocks' arrivals, newest first: when this node connected each and who brought it. */
    @GetMapping(path = "/api/propagation", produces = MediaType.APPLICATION_JSON_VALUE)
    List<BlockArrivals.Arrival> propagation() {
        return arrivals.recent();
    }
}
