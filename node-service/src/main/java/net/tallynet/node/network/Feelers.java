package net.tallynet.node.network;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/**
 * Feeler connections in flight (after Bitcoin Core's feelers): short-lived outbound connections that only
 * find out whether an address answers. {@link PeerManager} opens them; when the handshake completes,
 * {@link NodePeerListener} records the success and closes them, so they never become peers.
 */
@Component
class Feelers {
    private final Map<String, CompletableFuture<WebSocketSession>> inFlight = new ConcurrentHashMap<>();

    void dialling(String address, CompletableFuture<WebSocketSession> attempt) {
        inFlight.put(address, attempt);
    }

    boolean contains(String address) {
        return inFlight.containsKey(address);
    }

    /** Forgets feelers whose dial failed or whose connection has closed. */
    void prune() {
        inFlight.values().removeIf(PeerManager::ended);
    }
}
