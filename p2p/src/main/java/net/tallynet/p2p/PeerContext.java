package net.tallynet.p2p;

import java.util.concurrent.ScheduledExecutorService;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.codec.FrameCodec;

/** Everything a {@link PeerSession} needs besides its connection; one per process. */
public record PeerContext(LocalPeer local, FrameCodec codec, MessageHandlers handlers, PeerRegistry registry,
                          BanList bans, P2pMetrics metrics, P2pProperties properties,
                          ScheduledExecutorService scheduler, PeerListener listener, PeerMemory memory) {
}
