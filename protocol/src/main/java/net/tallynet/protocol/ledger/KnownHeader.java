package net.tallynet.protocol.ledger;

import java.math.BigInteger;
import net.tallynet.protocol.message.BlockRef;

/**
 * A header a node has checked (stored, queued for its body, or counted in a pre-sync), with the
 * work of the chain up to and including it: what the next header's checks and the work rule need.
 */
public record KnownHeader(BlockRef ref, BigInteger chainWork) {

    public String hash() {
        return ref.hash();
    }

    public long number() {
        return ref.number();
    }
}
