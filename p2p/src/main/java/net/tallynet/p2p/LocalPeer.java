package net.tallynet.p2p;

import net.tallynet.protocol.message.HelloMessage;

/** What this process says about itself in HELLO; the service (tracker or node) provides it. */
public interface LocalPeer {

    /** Random per process: lets a peer detect that it connected to itself. */
    String nodeId();

    /** The genesis hash of the network this process serves. */
    String networkId();

    /** A fresh HELLO (block count and time change while the process runs). */
    HelloMessage hello();
}
