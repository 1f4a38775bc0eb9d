package net.tallynet.node.network.flood;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the flooders did, as they saw it (the node's own count comes from its metrics). */
final class FloodCounters {
    final Map<FloodKind, LongAdder> frames = new EnumMap<>(FloodKind.class);
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    /** Handshakes completed. */
    final LongAdder connections = new LongAdder();
    /** Connections that ended while the flooder still wanted them (closed or reset by the node). */
    final LongAdder dropped = new LongAdder();
    /** Upgrades answered 403: the address is banned, the flooder moves to a new one. */
    final LongAdder refusedBanned = new LongAdder();
    /** Upgrades answered 503: no inbound slot free. */
    final LongAdder refusedFull = new LongAdder();
    /** Connections that failed otherwise (reset during the upgrade or the handshake). */
    final LongAdder failed = new LongAdder();

    FloodCounters() {
        for (FloodKind kind : FloodKind.values()) {
            frames.put(kind, new LongAdder());
        }
    }

    long framesSent() {
        return frames.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
