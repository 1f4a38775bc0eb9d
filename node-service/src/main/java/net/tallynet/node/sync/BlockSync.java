package net.tallynet.node.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredBlock;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.network.OutboundProperties;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;


import org.springframework.stereotype.Component;

/**
 * Sync from genesis and block relay (PROTOCOL.md 7.3, 7.4). Per peer: the blocks still to fetch,
 * a bounded window of GETBLOCK requests in flight (the peer answers in order, so parents arrive
 * before children), and the blocks the peer is known to have, so nothing is announced twice to it
 * or back to where it came from.
 */
@Component
public class BlockSync implements Ledger.Listener {
    /** Most hashes remembered per peer as known to it; older ones may be announced again, harmlessly. */
    static final int KNOWN_PER_PEER = 10_000;
    /** Most blocks queued for fetching per peer: a peer cannot make us queue without bound. */
    static final int MAX_QUEUED = 20_000;
    private static final int RECENT_STEPS = 10;

    private final ChainStore store;
    private final Chain chain;
    private final Ledger ledger;
    private final PeerRegistry peers;
    private final OutboundProperties properties;
    private final Map<PeerSession, PeerState> states = new HashMap<>();

    private static final class PeerState {
        final Map<String, Boolean> known = BoundedMaps.evictingEldest(KNOWN_PER_PEER, false);
        final Deque<String> toFetch = new ArrayDeque<>();
        final Set<String> inFlight = new HashSet<>();
        boolean moreAfterThisList;
    }

    public BlockSync(ChainStore store, Chain chain, Ledger ledger, PeerRegistry peers, OutboundProperties properties) {
        this.store = store;
        this.chain = chain;
        this.ledger = ledger;
        this.peers = peers;
        this.properties = properties;
        ledger.addListener(this);
    }

    /** A node peer is established: if it is ahead (or on another branch), ask which blocks we lack. */
    public synchronized void established(PeerSession peer) {
        PeerState state = state(peer);
        HelloMessage hello = peer.remoteHello();
        state.known.put(hello.bestHash(), true);
        StoredBlock tip = chain.tip();
        if (hello.blockCount() > tip.number() + 1
                || (hello.blockCount() == tip.number() + 1 && !hello.bestHash().equals(tip.hash()))) {
            requestList(peer);
        }
    }

    public synchronized void closed(PeerSession peer) {
        states.remove(peer);
    }

    /** GETLISTOFBLOCKS: the blocks after the newest locator hash on our best chain, at most 2000. */
    public synchronized void onGetList(PeerSession peer, GetListOfBlocksMessage request) {
        StoredBlock fork = null;
        for (String hash : request.locator()) {
            var header = store.header(hash);
            if (header.isPresent() && header.get().mainChain()) {
                fork = header.get();
                break;
            }
        }
        if (fork == null) {
            throw new PeerMisbehaviourException("no_common_block", "no locator hash is on this chain, not even genesis");
        }
        StoredBlock tip = chain.tip();
        long last = Math.min(tip.number(), fork.number() + Limits.MAX_LIST_OF_BLOCKS);
        List<BlockRef> refs = store.mainChainRange(fork.number() + 1, last).stream()
                .map(b -> new BlockRef(b.number(), b.hash(), b.previousHash())).toList();
        peer.send(new ListOfBlocksMessage(refs));
        if (request.number() > tip.number()) {
            requestList(peer); // it thinks it is ahead of us: ask it back (PROTOCOL.md 7.3 step 2)
        }
    }

    /** LISTOFBLOCKS: queue what we lack and start fetching. */
    public synchronized void onList(PeerSession peer, ListOfBlocksMessage list) {
        PeerState state = state(peer);
        for (BlockRef ref : list.blocks()) {
            state.known.put(ref.hash(), true);
            if (store.header(ref.hash()).isEmpty() && !state.inFlight.contains(ref.hash())
                    && state.toFetch.size() < MAX_QUEUED) {
                state.toFetch.add(ref.hash());
            }
        }
        state.moreAfterThisList = list.blocks().size() == Limits.MAX_LIST_OF_BLOCKS;
        pump(peer, state);
        continueIfDone(peer, state);
    }

    /** BLOCK: accept it; an unknown parent means we are missing blocks, so ask the sender which. */
    public synchronized void onBlock(PeerSession peer, Block block) {
        PeerState state = state(peer);
        state.known.put(block.hash(), true);
        state.inFlight.remove(block.hash());
        try {
            Chain.Result result = ledger.acceptBlock(block, peer);
            if (result.outcome() == Chain.Outcome.ORPHAN) {
                requestList(peer);
            }
        } catch (InvalidLedgerObjectException e) {
            throw new PeerMisbehaviourException(e.reason().label(), e.getMessage());
        } finally {
            pump(peer, state);
        }
        continueIfDone(peer, state);
    }

    /** BROADCASTBLOCK: the peer has this block; fetch it if we do not. */
    public synchronized void onAnnounce(PeerSession peer, BroadcastBlockMessage announcement) {
        PeerState state = state(peer);
        state.known.put(announcement.hash(), true);
        if (store.header(announcement.hash()).isEmpty() && state.inFlight.add(announcement.hash())) {
            peer.send(GetBlockMessage.byHash(announcement.hash()));
        }
    }

    /** Relay: announce the new tip to every node peer that is not known to have it (its source knows it). */
    @Override
    public synchronized void blocksConnected(List<Block> connected, Object source) {
        Block tip = connected.getLast();
        for (PeerSession peer : peers.established()) {
            if (peer == source || !HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
                continue;
            }
            PeerState state = state(peer);
            if (state.known.put(tip.hash(), true) == null) {
                peer.send(new BroadcastBlockMessage(tip.number(), tip.hash()));
            }
        }
    }

    private void pump(PeerSession peer, PeerState state) {
        while (state.inFlight.size() < properties.fetchWindow() && !state.toFetch.isEmpty()) {
            String hash = state.toFetch.poll();
            if (store.header(hash).isEmpty() && state.inFlight.add(hash)) {
                peer.send(GetBlockMessage.byHash(hash));
            }
        }
    }

    private void continueIfDone(PeerSession peer, PeerState state) {
        if (state.moreAfterThisList && state.toFetch.isEmpty() && state.inFlight.isEmpty()) {
            state.moreAfterThisList = false;
            requestList(peer);
        }
    }

    private void requestList(PeerSession peer) {
        StoredBlock tip = chain.tip();
        peer.send(new GetListOfBlocksMessage(tip.number(), locator(tip.number())));
    }

    /** Newest first: the 10 most recent heights one apart, then doubling steps, always ending with genesis. */
    List<String> locator(long tipNumber) {
        List<String> hashes = new ArrayList<>();
        long step = 1;
        long height = tipNumber;
        while (height > 0 && hashes.size() < Limits.MAX_LOCATOR_HASHES - 1) {
            store.mainChainAt(height).ifPresent(b -> hashes.add(b.hash()));
            if (hashes.size() >= RECENT_STEPS) {
                step *= 2;
            }
            height -= step;
        }
        hashes.add(store.mainChainAt(0).orElseThrow().hash());
        return hashes;
    }

    private PeerState state(PeerSession peer) {
        return states.computeIfAbsent(peer, p -> new PeerState());
    }

}
