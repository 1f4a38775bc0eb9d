package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.OptionalField;
import net.tallynet.protocol.RejectReason;

/**
 * Opens the handshake (and the tracker's liveness check).
 *
 * @param version  protocol version the sender speaks (this implementation: {@link #PROTOCOL_VERSION})
 * @param network  the network id: the hash of its genesis block
 * @param blockCount the sender's best block number plus one (0 for a tracker)
 * @param bestHash the hash of the sender's best block (the genesis hash for a tracker)
 * @param time     the sender's clock, Unix epoch milliseconds
 * @param port     the sender's listening port, 0 if it does not listen
 * @param nodeId   16 hex characters, random per process: detects connections to oneself
 * @param agent    printable ASCII naming the software, e.g. {@code tallynet/0.1.0}
 * @param role     {@code node} or {@code tracker}
 * @param extensions optional: the protocol extensions the sender speaks (PROTOCOL.md 12), e.g.
 *                   {@value Extensions#COMPACT_BLOCKS}; absent means none. A version-1 receiver that knows
 *                   none ignores the field, so it is only ever used between peers that both list one.
 */
public record HelloMessage(int version, String network, long blockCount, String bestHash, long time, int port,
                           String nodeId, String agent, String role,
                           @OptionalField List<String> extensions) implements Message {
    public static final int PROTOCOL_VERSION = 1;
    public static final String ROLE_NODE = "node";
    public static final String ROLE_TRACKER = "tracker";

    public HelloMessage {
        Check.range("version", version, 1, Integer.MAX_VALUE);
        Check.hash("network", network);
        Check.range("blockCount", blockCount, 0, Limits.MAX_SAFE_INTEGER);
        Check.hash("bestHash", bestHash);
        Check.range("time", time, 0, Limits.MAX_SAFE_INTEGER);
        Check.range("port", port, 0, 65535);
        Check.hex("nodeId", nodeId, 8, 8);
        Check.printable("agent", agent, 0, Limits.MAX_AGENT_LENGTH);
        Check.present("role", role);
        if (!ROLE_NODE.equals(role) && !ROLE_TRACKER.equals(role)) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "role must be \"node\" or \"tracker\"");
        }
        if (extensions != null) {
            extensions = Check.list("extensions", extensions, 0, Extensions.MAX_LISTED);
            extensions.forEach(name -> Check.printable("extensions[]", name, 1, Extensions.MAX_NAME_LENGTH));
        }
    }

    /** A HELLO listing no extension (the field left out), as every version-1 peer sends. */
    public HelloMessage(int version, String network, long blockCount, String bestHash, long time, int port,
                        String nodeId, String agent, String role) {
        this(version, network, blockCount, bestHash, time, port, nodeId, agent, role, null);
    }

    /** Whether the sender listed this extension. */
    public boolean offers(String extension) {
        return extensions != null && extensions.contains(extension);
    }

    @Override
    public Method method() {
        return Method.HELLO;
    }
}
