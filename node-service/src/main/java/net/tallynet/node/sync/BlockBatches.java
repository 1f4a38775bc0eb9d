package net.tallynet.node.sync;

import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Extensions;
import org.springframework.stereotype.Component;

/**
 * Block batches (extension block-batches/1, PROTOCOL.md 12.2): which peers take GETBLOCK {@code hashes},
 * and how many hashes one such request carries.
 */
@Component
public class BlockBatches {
    private final boolean enabled;
    /** What the answering side sends of a batch at once (the frame limit; the rest once its queue has room). */
    private final long answerBytes;

    public BlockBatches(SyncProperties properties, FrameCodec codec) {
        this.enabled = properties.blockBatches();
        this.answerBytes = codec.limits().maxFrameBytes();
    }

    /** Both sides listed block-batches/1 (and this node has it on). */
    boolean negotiated(PeerSession peer) {
        return enabled && PeerExtensions.listed(peer, Extensions.BLOCK_BATCHES);
    }

    void requireNegotiated(PeerSession peer) {
        if (!negotiated(peer)) {
            throw PeerExtensions.notNegotiated("GETBLOCK hashes", Extensions.BLOCK_BATCHES);
        }
    }

    /**
     * Hashes per GETBLOCK to this peer: 1 without the extension; else as many as its answers fit the bytes
     * it answers at once (one frame limit) at the size of the largest block it has sent us, so they seldom
     * wait in parts for room in its queue to us, at most {@link Limits#MAX_BATCH_BLOCKS}.
     */
    int hashesPerFrame(PeerSession peer, long largestBlockBytes) {
        if (!negotiated(peer)) {
            return 1;
        }
        return (int) Math.clamp(answerBytes / Math.max(1, largestBlockBytes), 1, Limits.MAX_BATCH_BLOCKS);
    }
}
