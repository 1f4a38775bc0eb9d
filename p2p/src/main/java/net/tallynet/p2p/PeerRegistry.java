package net.tallynet.p2p;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The established sessions, by the peer's node id: how duplicate connections are refused. */
public final class PeerRegistry {
    private final ConcurrentHashMap<String, PeerSession> byNodeId = new ConcurrentHashMap<>();

    /** Records an established session; false if this node id already has one. */
    boolean register(PeerSession session) {
        return byNodeId.putIfAbsent(session.remoteHello().nodeId(), session) == null;
    }

    PeerSession get(String nodeId) {
        return byNodeId.get(nodeId);
    }

    /** Puts {@code winner} in place of {@code loser}; false if {@code loser} was no longer the registered one. */
    boolean replace(PeerSession loser, PeerSession winner) {
        return byNodeId.replace(winner.remoteHello().nodeId(), loser, winner);
    }

    void remove(PeerSession session) {
        if (session.remoteHello() != null) {
            byNodeId.remove(session.remoteHello().nodeId(), session);
        }
    }

    public boolean isConnected(String nodeId) {
        return byNodeId.containsKey(nodeId);
    }

    public Collection<PeerSession> established() {
        return List.copyOf(byNodeId.values());
    }

    public int size() {
        return byNodeId.size();
    }
}
