package net.tallynet.protocol.message;

import java.util.HashMap;
import java.util.Map;

/**
 * The protocol's 11 methods, then those of its extensions (PROTOCOL.md 12): the one place their wire
 * names are bound to their payload records.
 */
public enum Method {
    HELLO(HelloMessage.class),
    HEY(HeyMessage.class),
    GETADDR(GetAddrMessage.class),
    ADDR(AddrMessage.class),
    BROADCASTBLOCK(BroadcastBlockMessage.class),
    GETBLOCK(GetBlockMessage.class),
    GETLISTOFBLOCKS(GetListOfBlocksMessage.class),
    LISTOFBLOCKS(ListOfBlocksMessage.class),
    BLOCK(BlockMessage.class),
    PUSHTRANSACTION(PushTransactionMessage.class),
    BROADCASTTRANSACTION(BroadcastTransactionMessage.class),
    // compact block relay, extension compact-blocks/1: only to peers whose HELLO lists it
    SENDCOMPACT(SendCompactMessage.class),
    COMPACTBLOCK(CompactBlockMessage.class),
    GETBLOCKTXN(GetBlockTransactionsMessage.class),
    BLOCKTXN(BlockTransactionsMessage.class);

    private static final Map<String, Method> BY_WIRE_NAME = new HashMap<>();

    static {
        for (Method method : values()) {
            BY_WIRE_NAME.put(method.name(), method);
        }
    }

    private final Class<? extends Message> payloadType;

    Method(Class<? extends Message> payloadType) {
        this.payloadType = payloadType;
    }

    public Class<? extends Message> payloadType() {
        return payloadType;
    }

    /** Exact, case-sensitive lookup: "hello" is not a method. Returns null for anything else. */
    public static Method fromWireName(String name) {
        return BY_WIRE_NAME.get(name);
    }
}
