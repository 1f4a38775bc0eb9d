package net.tallynet.p2p;

import java.security.SecureRandom;
import java.util.HexFormat;
import net.tallynet.protocol.message.HelloMessage;

/** What this process says about itself in HELLO; the service (tracker or node) provides it. */
public interface LocalPeer {

    /** Random per process: lets a peer detect that it connected to itself. */
    String nodeId();

    /** The genesis hash of the network this process serves. */
    String networkId();

    /** A fresh HELLO (block count and time change while the process runs). */
    HelloMessage hello();

    /** A new random node id: 8 random bytes as 16 lower-case hex characters (PROTOCOL.md 4.1). */
    static String newNodeId() {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
