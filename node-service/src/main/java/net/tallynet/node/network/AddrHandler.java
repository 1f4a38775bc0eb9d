package net.tallynet.node.network;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** ADDR from a tracker or a peer: handed to the address gossip (PROTOCOL.md 7.6). */
@Component
class AddrHandler implements MessageHandler<AddrMessage> {
    private final AddressGossip gossip;

    AddrHandler(AddressGossip gossip) {
        this.gossip = gossip;
    }

    @Override
    public Method method() {
        return Method.ADDR;
    }

    @Override
    public void handle(PeerSession peer, AddrMessage message) {
        gossip.received(peer, message.addresses());
    }
}
