package net.tallynet.node.network;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** GETADDR between peers: answered with a bounded random sample of known addresses (PROTOCOL.md 7.6). */
@Component
class GetAddrHandler implements MessageHandler<GetAddrMessage> {
    static final int SAMPLE = 100;

    private final AddressBook addresses;

    GetAddrHandler(AddressBook addresses) {
        this.addresses = addresses;
    }

    @Override
    public Method method() {
        return Method.GETADDR;
    }

    @Override
    public void handle(PeerSession peer, GetAddrMessage message) {
        peer.send(new AddrMessage(addresses.sample(SAMPLE)));
    }
}
