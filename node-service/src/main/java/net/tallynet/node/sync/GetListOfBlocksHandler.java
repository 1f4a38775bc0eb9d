package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** GETLISTOFBLOCKS (PROTOCOL.md 7.3, 7.4), handled by {@link BlockSync}. */
@Component
class GetListOfBlocksHandler implements MessageHandler<GetListOfBlocksMessage> {
    private final BlockSync sync;

    GetListOfBlocksHandler(BlockSync sync) {
        this.sync = sync;
    }

    @Override
    public Method method() {
        return Method.GETLISTOFBLOCKS;
    }

    @Override
    public void handle(PeerSession peer, GetListOfBlocksMessage message) {
        sync.onGetList(peer, message);
    }
}
