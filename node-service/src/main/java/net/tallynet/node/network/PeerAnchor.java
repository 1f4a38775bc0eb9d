package net.tallynet.node.network;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An outbound peer the node had when it last recorded its anchors: dialled first after a restart, so an
 * attacker who filled the address book while the node was down does not decide its first peers.
 */
@Entity
@Table(name = "peer_anchor")
class PeerAnchor {
    /** {@code host:port}, as dialled. */
    @Id
    @Column(length = 260)
    private String address;

    /** Order of connection: the longest-held first. */
    private int position;

    protected PeerAnchor() {
    }

    PeerAnchor(String address, int position) {
        this.address = address;
        this.position = position;
    }

    String address() {
        return address;
    }

    int position() {
        return position;
    }
}
