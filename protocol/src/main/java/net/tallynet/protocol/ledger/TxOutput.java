package net.tallynet.protocol.ledger;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/** {@code amount} units locked to {@code address} (20 bytes: the first 20 of SHA-256 of a public key). */
public record TxOutput(String address, long amount) {

    public TxOutput {
        Check.hex("address", address, 20, 20);
        Check.range("amount", amount, 0, Limits.MAX_MONEY);
    }
}
