package net.tallynet.p2p;

/** Lets a service act when a peer becomes established or goes away (the node starts sync here). */
public interface PeerListener {
    PeerListener NONE = new PeerListener() {
    };

    default void established(PeerSession peer) {
    }

    default void closed(PeerSession peer) {
    }
}
