package net.tallynet.node.network;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** ADDR from a tracker or a peer: the addresses go into the address book. */
@Component
class AddrHandler implements MessageHandler<AddrMessage> {
    private static final Logger log = LoggerFactory.getLogger(AddrHandler.class);

    private final AddressBook addresses;

    AddrHandler(AddressBook addresses) {
        this.addresses = addresses;
    }

    @Override
    public Method method() {
        return Method.ADDR;
    }

    @Override
    public void handle(PeerSession peer, AddrMessage message) {
        int fresh = addresses.learn(message.addresses());
        if (fresh > 0) {
            log.info("learned {} new addresses from {} {} ({} known)", fresh, peer.remoteHello().role(), peer.remoteHost(),
                    addresses.size());
        }
    }
}
