package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.Method;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.springframework.stereotype.Component;

/**
 * GETBLOCK: a block by hash or best-chain number, answered with BLOCK; or transactions by id,
 * answered with PUSHTRANSACTION holding those found (none found: no answer). PROTOCOL.md 4.6.
 */
@Component
class GetBlockHandler implements MessageHandler<GetBlockMessage> {
    private final ChainStore store;
    private final Mempool mempool;

    GetBlockHandler(ChainStore store, Mempool mempool) {
        this.store = store;
        this.mempool = mempool;
    }

    @Override
    public Method method() {
        return Method.GETBLOCK;
    }

    @Override
    public void handle(PeerSession peer, GetBlockMessage request) {
        if (request.transactions() != null) {
            List<Transaction> found = new ArrayList<>();
            for (String id : request.transactions()) {
                mempool.find(id).or(() -> store.locate(id).flatMap(location -> store.block(location.blockHash())
                        .map(block -> block.transactions().get(location.position())))).ifPresent(found::add);
            }
            if (!found.isEmpty()) {
                peer.send(new PushTransactionMessage(found));
            }
            return;
        }
        String hash = request.hash() != null ? request.hash()
                : store.mainChainAt(request.number()).map(b -> b.hash()).orElse(null);
        if (hash != null) {
            store.block(hash).ifPresent(block -> peer.send(new BlockMessage(block)));
        }
    }
}
