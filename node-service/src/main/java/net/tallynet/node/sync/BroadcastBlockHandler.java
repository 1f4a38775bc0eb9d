package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** BROADCASTBLOCK (PROTOCOL.md 7.3, 7.4), handled by {@link BlockSync}. */
@Component
class BroadcastBlockHandler implements MessageHandler<BroadcastBlockMessage> {
    private final BlockSync sync;

    BroadcastBlockHandler(BlockSync sync) {
        this.sync = sync;
    }

    @Override
    public Method method() {
        return Method.BROADCASTBLOCK;
    }

    @Override
    public void handle(PeerSession peer, BroadcastBlockMessage message) {
        sync.onAnnounce(peer, message);
    }
}
