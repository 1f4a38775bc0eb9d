package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.OptionalField;

/**
 * Asks for addresses of other members. Towards a tracker {@code port} is required: it is how the
 * member registers its listening port (the host is the connection's remote address).
 */
public record GetAddrMessage(@OptionalField Integer port) implements Message {

    public GetAddrMessage {
        if (port != null) {
            Check.range("port", port, 1, 65535);
        }
    }

    @Override
    public Method method() {
        return Method.GETADDR;
    }
}
