package net.tallynet.node.network;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.P2pProperties;
import net.tallynet.p2p.websocket.P2pWebSocketHandler;
import net.tallynet.protocol.message.HelloMessage;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/** Opens outbound connections; the same handler as {@code /p2p} runs them, marked as outbound. */
@Component
public class PeerConnector {
    private final StandardWebSocketClient client;
    private final WebSocketHandler handler;

    public PeerConnector(P2pWebSocketHandler handler, P2pProperties properties) {
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        // allocated per connection: kept small, larger frames arrive in parts (P2pWebSocketHandler)
        container.setDefaultMaxTextMessageBufferSize(properties.receiveBufferBytes());
        this.client = new StandardWebSocketClient(container);
        this.handler = handler;
    }

    /** Dials a node: a peer that answers as a tracker is refused ({@code unexpected_role}). */
    public CompletableFuture<WebSocketSession> connect(URI uri) {
        return connect(uri, HelloMessage.ROLE_NODE);
    }

    /** Dials a configured tracker: the only kind of connection on which the role "tracker" is accepted. */
    CompletableFuture<WebSocketSession> connectTracker(URI uri) {
        return connect(uri, HelloMessage.ROLE_TRACKER);
    }

    private CompletableFuture<WebSocketSession> connect(URI uri, String expectedRole) {
        WebSocketHandler outbound = new WebSocketHandlerDecorator(handler) {
            @Override
            public void afterConnectionEstablished(WebSocketSession session) throws Exception {
                session.getAttributes().put(P2pWebSocketHandler.DIRECTION, Direction.OUTBOUND);
                session.getAttributes().put(P2pWebSocketHandler.EXPECTED_ROLE, expectedRole);
                super.afterConnectionEstablished(session);
            }
        };
        return client.execute(outbound, new WebSocketHttpHeaders(), uri);
    }
}
