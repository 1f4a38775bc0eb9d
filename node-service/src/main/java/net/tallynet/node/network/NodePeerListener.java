package net.tallynet.node.network;

import net.tallynet.node.sync.BlockSync;
import net.tallynet.node.sync.TransactionRelay;
import net.tallynet.p2p.PeerListener;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import org.springframework.stereotype.Component;

/**
 * What the node does when a connection is established: with a tracker, register (PROTOCOL.md 7.2);
 * with a node, start syncing if it is ahead (7.3).
 */
@Component
class NodePeerListener implements PeerListener {
    private final NodeIdentity identity;
    private final BlockSync sync;
    private final TransactionRelay relay;
    private final AddressGossip gossip;

    NodePeerListener(NodeIdentity identity, BlockSync sync, TransactionRelay relay, AddressGossip gossip) {
        this.identity = identity;
        this.sync = sync;
        this.relay = relay;
        this.gossip = gossip;
    }

    @Override
    public void established(PeerSession peer) {
        if (TrackerRegistration.isRegistration(peer)) {
            peer.send(new GetAddrMessage(identity.advertisedPort()));
        } else if (HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
            sync.established(peer);
        }
    }

    @Override
    public void closed(PeerSession peer) {
        sync.closed(peer);
        relay.closed(peer);
        gossip.closed(peer);
    }
}
