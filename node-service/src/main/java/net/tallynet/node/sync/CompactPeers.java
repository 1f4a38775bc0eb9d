package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.CompactBlockMessage;
import net.tallynet.protocol.message.Extensions;
import net.tallynet.protocol.message.Method;
import net.tallynet.protocol.message.SendCompactMessage;
import org.springframework.stereotype.Component;

/**
 * Which peers speak compact block relay and how (PROTOCOL.md 12.1): those that listed the extension,
 * those that asked us to push blocks to them (SENDCOMPACT true), and the few we ask to push blocks to
 * us ({@link HighBandwidthPeers}); also the blocks asked for in compact form, and the last one built.
 */
@Component
public class CompactPeers {
    /** Compact requests (GETBLOCK compact) remembered at most, oldest dropped first. */
    private static final int MAX_REQUESTED = 64;
    /** Blocks remembered as pushed early (each held whole: up to a block's size apiece). */
    private static final int RECENT_PUSHES = 3;

    private final CompactBlockProperties properties;
    /** Peers that asked us to push new blocks to them. */
    private final Set<PeerSession> pushTo = ConcurrentHashMap.newKeySet();
    /** Peers we asked to push blocks to us. Guarded by this. */
    private final HighBandwidthPeers<PeerSession> pushFrom;
    /** Blocks asked for as COMPACTBLOCK after an announcement, so each is asked once. Guarded by this. */
    private final Map<String, Requested> requested = new LinkedHashMap<>();
    private final FrameCodec codec;
    /** The last block built, and its frame: every peer it goes to is sent the same bytes. */
    private volatile Built lastBuilt;
    /**
     * The last blocks pushed before their spend rules ran, and to whom: not announced to them again once
     * connected, and their transactions served to those peers even if the rules then refused them (a peer
     * lacking some asks GETBLOCKTXN for a block we may no longer store). Guarded by this.
     */
    private final Map<String, Pushed> pushed = BoundedMaps.evictingEldest(RECENT_PUSHES, false);

    /** A GETBLOCK compact sent: to whom, and when (nanos). */
    record Requested(String hash, PeerSession peer, long at) {
    }

    private record Built(String hash, byte[] frame) {
    }

    private record Pushed(Block block, Set<PeerSession> to) {
    }

    public CompactPeers(CompactBlockProperties properties, FrameCodec codec) {
        this.properties = properties;
        this.codec = codec;
        this.pushFrom = new HighBandwidthPeers<>(properties.highBandwidthPeers(),
                peer -> peer.connection().direction() == Direction.OUTBOUND);
    }

    /** Both sides listed compact-blocks/1 (and this node has it on): the extension's methods may be sent to the peer. */
    public boolean negotiated(PeerSession peer) {
        return properties.enabled() && PeerExtensions.listed(peer, Extensions.COMPACT_BLOCKS);
    }

    /** SENDCOMPACT from the peer. */
    void pushWanted(PeerSession peer, boolean wanted) {
        if (wanted) {
            pushTo.add(peer);
        } else {
            pushTo.remove(peer);
        }
    }

    /** The peer asked for new blocks pushed as COMPACTBLOCK, not announced. */
    public boolean wantsPush(PeerSession peer) {
        return pushTo.contains(peer) && negotiated(peer);
    }

    /** The COMPACTBLOCK frame of this block if it is the last built (the tip, usually): no read, no decode. */
    public Optional<byte[]> builtFrame(String hash) {
        Built built = lastBuilt;
        return built != null && built.hash().equals(hash) ? Optional.of(built.frame()) : Optional.empty();
    }

    /** The COMPACTBLOCK frame of a block, built and encoded once for all the peers it goes to (one salt). */
    public byte[] frameOf(Block block) {
        Built built = lastBuilt;
        if (built == null || !built.hash().equals(block.hash())) {
            CompactBlockMessage message = CompactBlockMessage.of(block,
                    ThreadLocalRandom.current().nextLong(Limits.MAX_SAFE_INTEGER + 1));
            built = new Built(block.hash(), codec.encodeToBytes(message));
            lastBuilt = built;
        }
        return built.frame();
    }

    /**
     * Pushes a block stored with more work than the tip, before its spend rules run, to each of {@code peers}
     * that asked for pushes and that {@code fresh} says lacks it (PROTOCOL.md 12.1: the hop costs no
     * validation and no commit); returns how many it went to.
     */
    int pushEarly(Block block, Iterable<PeerSession> peers, Predicate<PeerSession> fresh) {
        Set<PeerSession> to = new HashSet<>();
        for (PeerSession peer : peers) {
            if (wantsPush(peer) && fresh.test(peer)) {
                peer.sendEncoded(Method.COMPACTBLOCK, frameOf(block));
                to.add(peer);
            }
        }
        if (!to.isEmpty()) { // a node nobody asked for pushes keeps no block here
            synchronized (this) {
                pushed.put(block.hash(), new Pushed(block, to));
            }
        }
        return to.size();
    }

    /** Whether this block went to this peer by {@link #pushEarly}. */
    synchronized boolean pushedEarly(String hash, PeerSession peer) {
        Pushed early = pushed.get(hash);
        return early != null && early.to().contains(peer);
    }

    /** A block pushed early lately, stored or not (its spend rules may have refused it since). */
    synchronized Optional<Block> pushedBlock(String hash) {
        return Optional.ofNullable(pushed.get(hash)).map(Pushed::block);
    }

    /**
     * The peer brought us a new best block first: it becomes the first of the peers asked to push (told
     * so if it was not one), and the one that falls off the end is told to announce again.
     */
    synchronized void broughtBlock(PeerSession peer) {
        if (!negotiated(peer)) {
            return;
        }
        HighBandwidthPeers.Change<PeerSession> change = pushFrom.brought(peer);
        if (change.added() != null) {
            change.added().send(new SendCompactMessage(true));
        }
        change.dropped().forEach(dropped -> dropped.send(new SendCompactMessage(false)));
    }

    /** Whether this block may be asked of this peer as COMPACTBLOCK now: not asked of anyone already. */
    synchronized boolean request(String hash, PeerSession peer, long now) {
        if (requested.containsKey(hash) || requested.size() >= MAX_REQUESTED) {
            return false; // full: the block goes headers first, and no request already made is forgotten
        }
        requested.put(hash, new Requested(hash, peer, now));
        return true;
    }

    synchronized void answered(String hash) {
        requested.remove(hash);
    }

    /** As {@link #answered(String)}; whether the block was asked of this peer. */
    synchronized boolean answered(String hash, PeerSession peer) {
        Requested request = requested.remove(hash);
        return request != null && request.peer() == peer;
    }

    /** The requests older than the transactions timeout, forgotten: their blocks are to be fetched whole. */
    synchronized List<Requested> expired(long now) {
        List<Requested> late = new ArrayList<>();
        requested.values().removeIf(request -> {
            boolean expired = now - request.at() > properties.transactionsTimeout().toNanos();
            if (expired) {
                late.add(request);
            }
            return expired;
        });
        return late;
    }

    synchronized void closed(PeerSession peer) {
        pushTo.remove(peer);
        pushFrom.remove(peer);
        requested.values().removeIf(request -> request.peer() == peer);
        pushed.values().forEach(early -> early.to().remove(peer));
    }
}
