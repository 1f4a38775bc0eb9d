package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** LISTOFBLOCKS (PROTOCOL.md 7.3, 7.4), handled by {@link BlockSync}. */
@Component
class ListOfBlocksHandler implements MessageHandler<ListOfBlocksMessage> {
    private final BlockSync sync;

    ListOfBlocksHandler(BlockSync sync) {
        this.sync = sync;
    }

    @Override
    public Method method() {
        return Method.LISTOFBLOCKS;
    }

    @Override
    public void handle(PeerSession peer, ListOfBlocksMessage message) {
        sync.onList(peer, message);
    }
}
