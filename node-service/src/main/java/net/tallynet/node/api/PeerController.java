package net.tallynet.node.api;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.tallynet.node.sync.BlockSync;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/peers}: the established connections (trackers included), for operators. */
@RestController
public class PeerController {
    private final PeerRegistry peers;
    private final BlockSync sync;

    public PeerController(PeerRegistry peers, BlockSync sync) {
        this.peers = peers;
        this.sync = sync;
    }

    /**
     * @param blockCount      blocks the peer has shown it has: its HELLO's count, raised by what it listed,
     *                        sent or announced since
     * @param pingMillis      round trip of the latest keep-alive ping; null before the first answer
     * @param bytesReceived   frame bytes the peer sent us (characters of its JSON frames)
     * @param bytesSent       frame bytes written to the peer
     * @param connectedSeconds how long the connection has been open
     */
    public record PeerView(String nodeId, String role, String host, int port, String direction, long blockCount,
                           String agent, Double pingMillis, long bytesReceived, long bytesSent, long connectedSeconds) {
        static PeerView of(PeerSession peer, Map<PeerSession, Long> heights) {
            var hello = peer.remoteHello();
            long ping = peer.connection().pingNanos();
            long blockCount = Math.max(hello.blockCount(), heights.getOrDefault(peer, -1L) + 1);
            return new PeerView(hello.nodeId(), hello.role(), peer.remoteHost(), hello.port(),
                    peer.connection().direction().label(), blockCount, hello.agent(),
                    ping < 0 ? null : ping / 1e6, peer.bytesReceived(), peer.connection().bytesSent(),
                    (System.nanoTime() - peer.connectedAt()) / 1_000_000_000L);
        }
    }

    @GetMapping("/api/peers")
    public List<PeerView> peers() {
        Map<PeerSession, Long> heights = sync.knownHeights();
        return peers.established().stream().map(peer -> PeerView.of(peer, heights)).sorted(Comparator.comparing(PeerView::nodeId)).toList();
    }
}
