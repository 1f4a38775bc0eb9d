package net.tallynet.node.api;

import java.util.Comparator;
import java.util.List;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/peers}: the established connections (trackers included), for operators. */
@RestController
public class PeerController {
    private final PeerRegistry peers;

    public PeerController(PeerRegistry peers) {
        this.peers = peers;
    }

    public record PeerView(String nodeId, String role, String host, int port, String direction, long blockCount,
                           String agent) {
        static PeerView of(PeerSession peer) {
            var hello = peer.remoteHello();
            return new PeerView(hello.nodeId(), hello.role(), peer.remoteHost(), hello.port(),
                    peer.connection().direction().label(), hello.blockCount(), hello.agent());
        }
    }

    @GetMapping("/api/peers")
    public List<PeerView> peers() {
        return peers.established().stream().map(PeerView::of).sorted(Comparator.comparing(PeerView::nodeId)).toList();
    }
}
