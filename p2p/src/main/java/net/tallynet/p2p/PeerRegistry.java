package net.tallynet.p2p;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The established sessions, by the peer's node id and host: how duplicate connections are refused.
 * A node id is only a claim (nothing in the handshake proves it), so it counts as the same peer only
 * from the same host: a stranger that claims another node's id (published by {@code GET /api/peers})
 * can neither keep that node out nor push its connection aside. Two nodes that dial each other still
 * meet as one pair, since each sees the other at the same address both ways.
 */
public final class PeerRegistry {
    private final ConcurrentHashMap<String, PeerSession> byPeer = new ConcurrentHashMap<>();

    /** Records an established session; false if this node id already has one from the same host. */
    boolean register(PeerSession session) {
        return byPeer.putIfAbsent(key(session), session) == null;
    }

    /** The established session of the same node id from the same host as {@code session}, if any. */
    PeerSession sameAs(PeerSession session) {
        return byPeer.get(key(session));
    }

    /** Puts {@code winner} in place of {@code loser}; false if {@code loser} was no longer the registered one. */
    boolean replace(PeerSession loser, PeerSession winner) {
        return byPeer.replace(key(winner), loser, winner);
    }

    void remove(PeerSession session) {
        if (session.remoteHello() != null) {
            byPeer.remove(key(session), session);
        }
    }

    /** Whether a session claiming this node id is established, from any host. */
    public boolean isConnected(String nodeId) {
        return byPeer.values().stream().anyMatch(session -> session.remoteHello().nodeId().equals(nodeId));
    }

    public Collection<PeerSession> established() {
        return List.copyOf(byPeer.values());
    }

    public int size() {
        return byPeer.size();
    }

    private static String key(PeerSession session) {
        return session.remoteHello().nodeId() + '@' + session.remoteHost();
    }
}
