package net.tallynet.p2p;

import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bans for operators, on the node and the tracker alike: {@code GET /api/peers/bans} lists them,
 * {@code DELETE /api/peers/bans/{host}} lifts one. The service guards DELETE with its API token
 * ({@link net.tallynet.p2p.http.ApiGuardFilter}).
 */
@RestController
public class BanController {
    private final BanList bans;

    public BanController(BanList bans) {
        this.bans = bans;
    }

    /** {@code until} as an ISO-8601 instant. */
    public record BanView(String host, String reason, String until) {
    }

    @GetMapping("/api/peers/bans")
    public List<BanView> list() {
        return bans.list().stream().map(b -> new BanView(b.host(), b.reason(), b.until().toString())).toList();
    }

    @DeleteMapping("/api/peers/bans/{host}")
    public ResponseEntity<Void> lift(@PathVariable String host) {
        return bans.lift(host) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }
}
