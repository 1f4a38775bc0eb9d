package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.Method;
import net.tallynet.protocol.message.SendCompactMessage;
import org.springframework.stereotype.Component;

/** SENDCOMPACT (PROTOCOL.md 12.1): the peer wants new blocks pushed as COMPACTBLOCK, or announced again. */
@Component
class SendCompactHandler implements MessageHandler<SendCompactMessage> {
    private final CompactBlockRelay relay;
    private final CompactPeers peers;

    SendCompactHandler(CompactBlockRelay relay, CompactPeers peers) {
        this.relay = relay;
        this.peers = peers;
    }

    @Override
    public Method method() {
        return Method.SENDCOMPACT;
    }

    @Override
    public void handle(PeerSession peer, SendCompactMessage message) {
        relay.requireNegotiated(peer, "SENDCOMPACT");
        peers.pushWanted(peer, message.highBandwidth());
    }
}
