package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** BLOCK (PROTOCOL.md 7.3, 7.4): validated and connected by the ledger through {@link BlockSync}. */
@Component
class BlockHandler implements MessageHandler<BlockMessage> {
    private final BlockSync sync;

    BlockHandler(BlockSync sync) {
        this.sync = sync;
    }

    @Override
    public Method method() {
        return Method.BLOCK;
    }

    @Override
    public void handle(PeerSession peer, BlockMessage message) {
        sync.onBlock(peer, message.block(), peer.frameLength());
    }
}
