package net.tallynet.node.sync;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/**
 * Answers GETBLOCK by hash, one or a batch (PROTOCOL.md 12.2), each hash with its stored BLOCK frame, in the
 * order asked, none cut for its size: a requester takes a missing answer for a block the peer lacks (7.3), so
 * a block cut from a batch would be fetched elsewhere or wait out a stall. A peer's request is handled only once
 * its queue has room for one answer of the frame limit, so a batch goes one frame limit at a time: the first
 * part at once, the rest from a virtual thread, each part once the queue has room again, while the peer's next
 * frame waits for the last part ({@code PeerConnection.answerInParts}): one producer of answers per peer, and
 * answers in request order.
 */
@Component
class BlockAnswers {
    private final ChainStore store;
    private final ServingLimits serving;
    private final long frameLimit;

    BlockAnswers(ChainStore store, ServingLimits serving, FrameCodec codec) {
        this.store = store;
        this.serving = serving;
        this.frameLimit = codec.limits().maxFrameBytes();
    }

    /** Answers {@code hashes} (a hash listed twice once); called while the peer's frame is handled. */
    void answer(PeerSession peer, List<String> hashes) {
        Parts parts = new Parts(peer, new ArrayDeque<>(new LinkedHashSet<>(hashes)));
        if (parts.sendOne()) {
            return;
        }
        Runnable release = peer.connection().answerInParts();
        try {
            Thread.ofVirtual().name("answers-" + peer.connection().id()).start(() -> {
                try {
                    while (peer.connection().awaitRoomForAnswer() && !parts.sendOne()) {
                        // each part once the queue has room for it
                    }
                } finally {
                    release.run();
                }
            });
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** One request's hashes still to answer, and the frame read for the next one if it did not fit. */
    private final class Parts {
        private final PeerSession peer;
        private final Deque<String> hashes;
        private byte[] next;

        Parts(PeerSession peer, Deque<String> hashes) {
            this.peer = peer;
            this.hashes = hashes;
        }

        /**
         * Sends the next frames in order while they fit one frame limit together (the first always does);
         * unknown hashes are skipped. Each hash is looked up within the peer's look-up budget, each frame sent
         * within its byte budget; past either the rest is left unanswered, as blocks the node lacks. True when
         * nothing is left.
         */
        boolean sendOne() {
            long room = frameLimit;
            while (!hashes.isEmpty()) {
                byte[] frame = next;
                if (frame == null) {
                    if (!serving.mayLookUp(peer)) {
                        hashes.clear();
                        return true;
                    }
                    Optional<byte[]> stored = store.frame(hashes.peek());
                    if (stored.isEmpty()) {
                        hashes.poll();
                        continue;
                    }
                    frame = stored.get();
                }
                if (frame.length > room) {
                    next = frame; // kept, not read again, for the next part
                    return false;
                }
                next = null;
                hashes.poll();
                room -= frame.length;
                if (!serving.maySend(peer, frame.length)) {
                    hashes.clear(); // its byte budget is spent: reading on would be for nothing
                    return true;
                }
                peer.sendEncoded(Method.BLOCK, frame);
            }
            return true;
        }
    }
}
