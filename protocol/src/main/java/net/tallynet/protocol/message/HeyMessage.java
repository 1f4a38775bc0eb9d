package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.OptionalField;

/** Acknowledges a HELLO. {@code nodeId}, when present, is the acknowledging side's node id. */
public record HeyMessage(@OptionalField String nodeId) implements Message {

    public HeyMessage {
        if (nodeId != null) {
            Check.hex("nodeId", nodeId, 8, 8);
        }
    }

    public HeyMessage() {
        this(null);
    }

    @Override
    public Method method() {
        return Method.HEY;
    }
}
