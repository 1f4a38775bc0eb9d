package net.tallynet.p2p;

import java.util.Locale;

/** Who opened the connection: the peer (inbound) or we (outbound). */
public enum Direction {
    INBOUND, OUTBOUND;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
