package net.tallynet.node.network;

import net.tallynet.node.sync.BlockSync;
import net.tallynet.node.sync.CompactBlockRelay;
import net.tallynet.node.sync.TransactionRelay;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerListener;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import org.springframework.stereotype.Component;

/**
 * What the node does when a connection is established: with a tracker, register (PROTOCOL.md 7.2);
 * with a node, start syncing if it is ahead (7.3). A node we dialled has proved it speaks the protocol:
 * only now (not when the socket opened) does the address book count it as reached; a feeler ends there.
 */
@Component
class NodePeerListener implements PeerListener {
    private final NodeIdentity identity;
    private final BlockSync sync;
    private final TransactionRelay relay;
    private final AddressBook addresses;
    private final Feelers feelers;
    private final AddressGossip gossip;
    private final CompactBlockRelay compactBlocks;

    NodePeerListener(NodeIdentity identity, BlockSync sync, TransactionRelay relay, AddressBook addresses,
                     Feelers feelers, AddressGossip gossip, CompactBlockRelay compactBlocks) {
        this.gossip = gossip;
        this.compactBlocks = compactBlocks;
        this.identity = identity;
        this.sync = sync;
        this.relay = relay;
        this.addresses = addresses;
        this.feelers = feelers;
    }

    @Override
    public void established(PeerSession peer) {
        if (TrackerRegistration.isRegistration(peer)) {
            gossip.asked(peer);
            peer.send(new GetAddrMessage(identity.advertisedPort()));
        } else if (HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
            String dialled = peer.connection().direction() == Direction.OUTBOUND ? PeerManager.dialledAddress(peer) : null;
            if (dialled != null && feelers.contains(dialled)) {
                addresses.good(dialled);
                peer.disconnect(CloseReason.NORMAL);
                return;
            }
            // first: a new member's first GETLISTOFBLOCKS goes out before the address book's write and the rest
            sync.established(peer);
            if (dialled != null) {
                addresses.good(dialled);
                // as Bitcoin Core asks its outbound peers: their book fills ours, so a node that knows one
                // member finds the others without waiting for gossip it may have missed
                gossip.asked(peer);
                peer.send(new GetAddrMessage(null));
            }
            relay.established(peer);
        }
    }

    @Override
    public void closed(PeerSession peer) {
        sync.closed(peer);
        compactBlocks.closed(peer);
        relay.closed(peer);
        gossip.closed(peer);
    }
}
