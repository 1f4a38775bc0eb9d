package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.CompactBlockMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** COMPACTBLOCK (PROTOCOL.md 12.1): rebuilt and connected by {@link CompactBlockRelay}. */
@Component
class CompactBlockHandler implements MessageHandler<CompactBlockMessage> {
    private final CompactBlockRelay relay;

    CompactBlockHandler(CompactBlockRelay relay) {
        this.relay = relay;
    }

    @Override
    public Method method() {
        return Method.COMPACTBLOCK;
    }

    @Override
    public void handle(PeerSession peer, CompactBlockMessage message) {
        relay.onCompactBlock(peer, message);
    }
}
