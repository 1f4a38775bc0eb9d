package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BlockTransactionsMessage;
import net.tallynet.protocol.message.GetBlockTransactionsMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/**
 * GETBLOCKTXN (PROTOCOL.md 12.1): the asked positions of a stored block (or of one pushed lately before
 * its spend rules refused it), answered with BLOCKTXN within the peer's serving budget, as GETBLOCK is. Only
 * a block we had can have been sent to the peer as COMPACTBLOCK, so asking for another, or for a position
 * past its end, is charged; one found invalid since is not answered, uncharged.
 */
@Component
class GetBlockTransactionsHandler implements MessageHandler<GetBlockTransactionsMessage> {
    static final String UNKNOWN_BLOCK = "unknown_block";
    static final String INDEX_OUT_OF_RANGE = "index_out_of_range";

    private final CompactBlockRelay relay;
    private final ChainStore store;
    private final FrameCodec codec;
    private final ServingLimits serving;
    private final CompactPeers compact;
    private final Chain chain;

    GetBlockTransactionsHandler(CompactBlockRelay relay, ChainStore store, FrameCodec codec, ServingLimits serving,
                                CompactPeers compact, Chain chain) {
        this.relay = relay;
        this.compact = compact;
        this.chain = chain;
        this.store = store;
        this.codec = codec;
        this.serving = serving;
    }

    @Override
    public Method method() {
        return Method.GETBLOCKTXN;
    }

    @Override
    public void handle(PeerSession peer, GetBlockTransactionsMessage request) {
        relay.requireNegotiated(peer, "GETBLOCKTXN");
        if (store.has(request.hash()) && !CompactRecency.isRecent(store, request.hash())) {
            return; // we sent no COMPACTBLOCK for an old block lately: not decoded for a peer's asking, not charged
        }
        Block block = store.block(request.hash()).or(() -> compact.pushedBlock(request.hash())).orElse(null);
        if (block == null) {
            if (chain.wasInvalid(request.hash())) {
                return; // pushed on before its spend rules refused it (12.1), and forgotten since: not charged
            }
            throw new PeerMisbehaviourException(UNKNOWN_BLOCK, "GETBLOCKTXN for " + request.hash() + ", a block we never had");
        }
        List<Transaction> all = block.transactions();
        List<Transaction> asked = new ArrayList<>(request.indexes().size());
        for (int index : request.indexes()) {
            if (index >= all.size()) {
                throw new PeerMisbehaviourException(INDEX_OUT_OF_RANGE, "GETBLOCKTXN position " + index + " of "
                        + request.hash() + ", which holds " + all.size() + " transactions");
            }
            asked.add(all.get(index));
        }
        // at most a block's worth of transactions: the answer fits the frame limit as the block did
        byte[] frame = codec.encodeToBytes(new BlockTransactionsMessage(request.hash(), asked));
        if (serving.maySend(peer, frame.length)) {
            peer.sendEncoded(Method.BLOCKTXN, frame);
        }
    }
}
