package net.tallynet.node.sync;

import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.HelloMessage;

/** Whether a node peer listed an extension in its HELLO (PROTOCOL.md 12), and the refusal of one used unlisted. */
final class PeerExtensions {
    /** The rejection label for an extension's message from a peer that did not list it, or to a node that has it off. */
    static final String NOT_NEGOTIATED = "extension_not_negotiated";

    private PeerExtensions() {
    }

    static boolean listed(PeerSession peer, String extension) {
        HelloMessage hello = peer.remoteHello();
        return hello != null && HelloMessage.ROLE_NODE.equals(hello.role()) && hello.offers(extension);
    }

    /** {@code what} came from a peer that did not negotiate {@code extension}: charged, never acted on. */
    static PeerMisbehaviourException notNegotiated(String what, String extension) {
        return new PeerMisbehaviourException(NOT_NEGOTIATED, what + " from a peer whose HELLO did not list "
                + extension + " (or with it off here)");
    }
}
