package net.tallynet.node.sync;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/**
 * Answers GETBLOCK by hash, one or a batch (PROTOCOL.md 12.2), each hash with its stored BLOCK frame, in the
 * order asked across requests, none lost: a requester takes a missing answer for a block the peer lacks
 * (7.3), so a block cut from a batch would be fetched elsewhere or wait out a stall. A peer's next request is
 * read only while its queue has room for one answer of the frame limit, so the answers of one batch go one
 * frame limit at a time: what does not fit waits in the peer's pending hashes until its queue has room again,
 * served by a virtual thread, and the hashes of later requests queue behind them.
 */
@Component
public class BlockAnswers {
    /** Hashes waiting per peer: a requester's fetch window bounds an honest one (32 by default, at most 1,000). */
    static final int MAX_PENDING = 1_000 + Limits.MAX_BATCH_BLOCKS;

    private final ChainStore store;
    private final ServingLimits serving;
    private final long frameLimit;
    private final Map<PeerSession, Pending> peers = new ConcurrentHashMap<>();

    /** One peer's hashes still to answer; {@code draining} while a virtual thread waits to answer them. */
    private static final class Pending {
        final Deque<String> hashes = new ArrayDeque<>();
        boolean draining;
    }

    BlockAnswers(ChainStore store, ServingLimits serving, FrameCodec codec) {
        this.store = store;
        this.serving = serving;
        this.frameLimit = codec.limits().maxFrameBytes();
    }

    /**
     * Answers {@code hashes} after any still pending for the peer, as much as fits its queue now; called on
     * the peer's frame handling, which ran once its queue had room for one answer of the frame limit.
     */
    void answer(PeerSession peer, List<String> hashes) {
        Pending pending = peers.computeIfAbsent(peer, p -> new Pending());
        synchronized (pending) {
            for (String hash : new LinkedHashSet<>(hashes)) { // a hash listed twice is answered once
                if (pending.hashes.size() >= MAX_PENDING) {
                    serving.unanswered(peer); // more than any honest fetch window: the rest unanswered
                    break;
                }
                pending.hashes.add(hash);
            }
            if (pending.draining) {
                return; // the waiting thread answers them in order
            }
            serveOneFrameLimit(peer, pending);
            if (!pending.hashes.isEmpty()) {
                pending.draining = true;
                Thread.ofVirtual().name("answers-" + peer.connection().id()).start(() -> drain(peer, pending));
            }
        }
    }

    /** The peer is gone: its pending hashes with it. */
    public void closed(PeerSession peer) {
        Pending pending = peers.remove(peer);
        if (pending != null) {
            synchronized (pending) {
                pending.hashes.clear();
            }
        }
    }

    /** Waits for room in the peer's queue and answers the next frame limit of hashes, until none is left. */
    private void drain(PeerSession peer, Pending pending) {
        while (true) {
            boolean room = peer.connection().awaitRoomForAnswer() && peer.connection().isOpen();
            synchronized (pending) {
                if (!room) {
                    pending.hashes.clear(); // closed (or closing as a slow reader): nobody to answer
                }
                serveOneFrameLimit(peer, pending);
                if (pending.hashes.isEmpty()) {
                    pending.draining = false;
                    return;
                }
            }
        }
    }

    /**
     * Answers pending hashes in order while their frames fit one frame limit together (the first always
     * does: a frame is within the limit); unknown hashes are skipped. Each hash is looked up only within the
     * peer's look-up budget, each frame sent only within its byte budget; past the look-up budget the rest
     * is left unanswered, as a block the node lacks.
     */
    private void serveOneFrameLimit(PeerSession peer, Pending pending) {
        long room = frameLimit;
        while (!pending.hashes.isEmpty()) {
            if (!serving.mayLookUp(peer)) {
                pending.hashes.clear();
                return;
            }
            Optional<byte[]> frame = store.frame(pending.hashes.peek());
            if (frame.isPresent() && frame.get().length > room) {
                serving.returnLookUp(peer); // looked up again once there is room
                return;
            }
            pending.hashes.poll();
            if (frame.isPresent()) {
                room -= frame.get().length;
                if (serving.maySend(peer, frame.get().length)) {
                    peer.sendEncoded(Method.BLOCK, frame.get());
                }
            }
        }
    }
}
