package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** Member addresses: the answer to GETADDR, and a node's periodic announcement of itself. */
public record AddrMessage(List<AddressEntry> addresses) implements Message {

    public AddrMessage {
        addresses = Check.list("addresses", addresses, 0, Limits.MAX_ADDR_ENTRIES);
    }

    @Override
    public Method method() {
        return Method.ADDR;
    }
}
