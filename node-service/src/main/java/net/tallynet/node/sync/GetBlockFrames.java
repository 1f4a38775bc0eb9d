package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import net.tallynet.protocol.message.GetBlockMessage;

/**
 * One pump's block requests as GETBLOCK frames (PROTOCOL.md 7.3, 12.2): to a peer that takes batches,
 * up to its batch size of hashes per frame in the order they were picked, else one {@code hash} per frame.
 * A peer's request pacing counts frames: {@link #mayRequest} spends a token on the first request of each
 * frame only. Generic in the peer type so it is tested without connections; one instance per pump.
 */
final class GetBlockFrames<P> {
    /** One frame to send. */
    record Frame<P>(P peer, GetBlockMessage message) {
    }

    private final ToIntFunction<P> hashesPerFrame;
    private final Predicate<P> takeToken;
    /** Per peer: how many hashes one frame takes, and how many requests were granted in this pump. */
    private final Map<P, int[]> granted = new HashMap<>();
    /** Peers refused a token in this pump: refused for the rest of it. */
    private final Set<P> outOfTokens = new HashSet<>();

    /**
     * @param hashesPerFrame 1 for a peer without block-batches/1, else its batch size (1 … 128)
     * @param takeToken      spends one of the peer's request tokens; false if it has none left
     */
    GetBlockFrames(ToIntFunction<P> hashesPerFrame, Predicate<P> takeToken) {
        this.hashesPerFrame = hashesPerFrame;
        this.takeToken = takeToken;
    }

    /** For {@link BlockDownload#next}: whether one more block may be asked of {@code peer} in this pump. */
    boolean mayRequest(P peer) {
        if (outOfTokens.contains(peer)) {
            // a token refilled later in the same pump would buy a block further on while earlier ones wait: the
            // peer answers in order, so those would arrive before their parents and be held (a sync that
            // outran the pacing asked #853 before #655)
            return false;
        }
        int[] peerGranted = granted.computeIfAbsent(peer, p -> new int[] {Math.max(1, hashesPerFrame.applyAsInt(p)), 0});
        if (peerGranted[1] % peerGranted[0] == 0 && !takeToken.test(peer)) {
            outOfTokens.add(peer);
            return false; // a new frame needs a token; the requests of a frame already paid for need none
        }
        peerGranted[1]++;
        return true;
    }

    /** The frames carrying {@code requests}, each peer's in the order given (it answers in that order). */
    List<Frame<P>> of(List<BlockDownload.Request<P>> requests) {
        Map<P, List<String>> byPeer = new LinkedHashMap<>();
        for (BlockDownload.Request<P> request : requests) {
            byPeer.computeIfAbsent(request.peer(), p -> new ArrayList<>()).add(request.hash());
        }
        List<Frame<P>> frames = new ArrayList<>();
        byPeer.forEach((peer, hashes) -> {
            int perFrame = granted.containsKey(peer) ? granted.get(peer)[0] : 1;
            for (int from = 0; from < hashes.size(); from += perFrame) {
                List<String> part = hashes.subList(from, Math.min(hashes.size(), from + perFrame));
                frames.add(new Frame<>(peer, perFrame == 1 ? GetBlockMessage.byHash(part.getFirst())
                        : GetBlockMessage.byHashes(part)));
            }
        });
        return frames;
    }
}
