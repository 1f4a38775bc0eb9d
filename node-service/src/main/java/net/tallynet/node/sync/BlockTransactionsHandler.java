package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.BlockTransactionsMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** BLOCKTXN (PROTOCOL.md 12.1): the transactions a compact block lacked here, handed to {@link CompactBlockRelay}. */
@Component
class BlockTransactionsHandler implements MessageHandler<BlockTransactionsMessage> {
    private final CompactBlockRelay relay;

    BlockTransactionsHandler(CompactBlockRelay relay) {
        this.relay = relay;
    }

    @Override
    public Method method() {
        return Method.BLOCKTXN;
    }

    @Override
    public void handle(PeerSession peer, BlockTransactionsMessage message) {
        relay.onBlockTransactions(peer, message);
    }
}
