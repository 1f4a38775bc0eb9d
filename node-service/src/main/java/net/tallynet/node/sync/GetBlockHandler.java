package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.Method;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.springframework.stereotype.Component;

/**
 * GETBLOCK: a block by hash or best-chain number, answered with BLOCK (COMPACTBLOCK if asked so,
 * PROTOCOL.md 12.1); blocks by hashes, each answered with its BLOCK in the order listed (PROTOCOL.md
 * 12.2); or transactions by id, answered with PUSHTRANSACTION holding those found (none found: no
 * answer). PROTOCOL.md 4.6.
 */
@Component
class GetBlockHandler implements MessageHandler<GetBlockMessage> {
    private final ChainStore store;
    private final Mempool mempool;
    private final FrameCodec codec;
    private final ServingLimits serving;
    private final CompactBlockRelay compactRelay;
    private final CompactPeers compactPeers;
    private final BlockBatches batches;
    private final BlockAnswers answers;
    private final UnbroadcastTransactions unbroadcast;

    GetBlockHandler(ChainStore store, Mempool mempool, FrameCodec codec, ServingLimits serving,
                    CompactBlockRelay compactRelay, CompactPeers compactPeers, BlockBatches batches, BlockAnswers answers,
                    UnbroadcastTransactions unbroadcast) {
        this.store = store;
        this.mempool = mempool;
        this.codec = codec;
        this.serving = serving;
        this.compactRelay = compactRelay;
        this.compactPeers = compactPeers;
        this.batches = batches;
        this.answers = answers;
        this.unbroadcast = unbroadcast;
    }

    @Override
    public Method method() {
        return Method.GETBLOCK;
    }

    @Override
    public void handle(PeerSession peer, GetBlockMessage request) {
        if (request.transactions() != null) {
            sendTransactions(peer, request.transactions());
            return;
        }
        if (request.hashes() != null) {
            batches.requireNegotiated(peer);
            answers.answer(peer, request.hashes());
            return;
        }
        if (request.wantsCompact()) {
            sendCompact(peer, request.hash());
            return;
        }
        String hash = request.hash() != null ? request.hash() : store.mainChainHashAt(request.number()).orElse(null);
        if (hash != null) {
            answers.answer(peer, List.of(hash)); // the stored frame as it is: a GETBLOCK flood costs a read, not a decode and an encode
        }
    }

    /** The block as COMPACTBLOCK (PROTOCOL.md 12.1): usually the tip just announced, built once for every peer. */
    private void sendCompact(PeerSession peer, String hash) {
        compactRelay.requireNegotiated(peer, "GETBLOCK compact");
        Optional<byte[]> built = compactPeers.builtFrame(hash);
        if (built.isEmpty() && !CompactRecency.isRecent(store, hash)) {
            answers.answer(peer, List.of(hash)); // compact relay is for new blocks: an old one would cost a decode and a rebuild
            return;
        }
        built.or(() -> store.block(hash).map(compactPeers::frameOf)).filter(frame -> serving.maySend(peer, frame.length))
                .ifPresent(frame -> peer.sendEncoded(Method.COMPACTBLOCK, frame));
    }

    /**
     * Each id answered once however often it is asked for, each block decoded once per request (and
     * only one held at a time) however many of its transactions are asked for, and the answer split
     * into PUSHTRANSACTION frames within the frame limit: 1,000 copies of one large id must not make a
     * 75 MB frame (review item 5).
     */
    private void sendTransactions(PeerSession peer, List<String> requested) {
        Batches out = new Batches(peer);
        Map<String, List<Integer>> positionsByBlock = new LinkedHashMap<>();
        for (String id : new LinkedHashSet<>(requested)) {
            Optional<Transaction> pooled = mempool.find(id);
            if (pooled.isPresent()) {
                out.add(pooled.get());
            } else {
                store.locate(id).ifPresent(location -> positionsByBlock
                        .computeIfAbsent(location.blockHash(), h -> new ArrayList<>()).add(location.position()));
            }
        }
        positionsByBlock.forEach((hash, positions) -> store.block(hash).ifPresent(block -> {
            for (int position : positions) {
                out.add(block.transactions().get(position));
            }
        }));
        out.flush();
    }

    /** PUSHTRANSACTION frames filled up to the frame limit. */
    private final class Batches {
        private final PeerSession peer;
        private final int limit = codec.limits().maxFrameBytes();
        private List<Transaction> batch = new ArrayList<>();
        private long batchBytes;

        Batches(PeerSession peer) {
            this.peer = peer;
        }

        void add(Transaction tx) {
            // a frame holding only this transaction: its size bounds what the transaction adds to a batch
            int bytes = codec.encodeToBytes(new PushTransactionMessage(List.of(tx))).length;
            if (bytes > limit) {
                return; // cannot travel in any frame the peer accepts
            }
            if (batchBytes + bytes > limit) {
                flush();
            }
            batch.add(tx);
            batchBytes += bytes;
        }

        /** Sends the batch if the peer's serving budget allows, and starts the next one either way. */
        void flush() {
            if (!batch.isEmpty() && serving.maySend(peer, batchBytes)) {
                peer.send(new PushTransactionMessage(batch));
                if (!unbroadcast.isEmpty()) { // a peer asked for the node's own ones: they are out
                    unbroadcast.forget(batch.stream().map(Transaction::id).toList());
                }
            }
            batch = new ArrayList<>();
            batchBytes = 0;
        }
    }
}
