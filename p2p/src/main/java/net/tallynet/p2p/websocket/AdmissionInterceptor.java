package net.tallynet.p2p.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.PeerContext;
import net.tallynet.p2p.PeerSession;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses banned hosts (403) before the WebSocket upgrade; when every inbound slot is taken, makes
 * room by evicting the least useful inbound peer, and refuses (503) only when all are protected
 * (see {@link net.tallynet.p2p.InboundEviction}). Both happen before the upgrade: the container allocates a session's buffers during the upgrade, so a
 * refusal after it has already spent that memory (security review item 2). The handler's own checks
 * after the upgrade stay as a backstop for upgrades that raced past this one.
 */
final class AdmissionInterceptor implements HandshakeInterceptor {
    private final PeerContext context;
    private final P2pWebSocketHandler handler;

    AdmissionInterceptor(PeerContext context, P2pWebSocketHandler handler) {
        this.context = context;
        this.handler = handler;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler target,
                                   Map<String, Object> attributes) throws Exception {
        String host = PeerSession.hostOf(request.getRemoteAddress());
        if (context.bans().isBanned(host)) {
            return refuse(response, host, CloseReason.BANNED, HttpStatus.FORBIDDEN, "banned for misbehaviour");
        }
        if (handler.inboundSessions() >= context.properties().maxInbound() && !handler.evictForNewcomer(host)) {
            return refuse(response, host, CloseReason.TOO_MANY_PEERS, HttpStatus.SERVICE_UNAVAILABLE, handler.inboundLimit());
        }
        return true;
    }

    private boolean refuse(ServerHttpResponse response, String host, CloseReason reason, HttpStatus status, String why)
            throws IOException {
        context.metrics().refused(reason);
        handler.refusals().refused(host, reason, why);
        response.setStatusCode(status);
        response.getBody().write(reason.label().getBytes(StandardCharsets.US_ASCII));
        return false;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler target,
                               Exception exception) {
    }
}
