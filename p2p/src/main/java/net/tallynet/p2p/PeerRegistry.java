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
