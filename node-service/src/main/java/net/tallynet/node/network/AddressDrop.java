package net.tallynet.node.network;

import java.util.Locale;

/** Why an address received in ADDR was not learned; the label is the metrics tag and the log word. */
enum AddressDrop {
    /** Over the per-peer address rate (PROTOCOL.md 7.6): not charged, a large honest answer is possible. */
    RATE_LIMITED,
    /** A host name, not an IP literal: names are dialled only from configuration (PROTOCOL.md 7.6). */
    NOT_AN_IP_LITERAL;

    private final String label = name().toLowerCase(Locale.ROOT);

    String label() {
        return label;
    }
}
