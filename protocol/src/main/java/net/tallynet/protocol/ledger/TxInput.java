package net.tallynet.protocol.ledger;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/**
 * Spends output {@code index} of transaction {@code txId}. A coinbase has exactly one input, with
 * {@code txId} all zeros, {@code index} the block number and empty key and signature.
 */
public record TxInput(String txId, long index, String publicKey, String signature) {
    public static final String NULL_TX_ID = "0".repeat(64);

    public TxInput {
        Check.hash("txId", txId);
        Check.range("index", index, 0, Limits.MAX_TX_INDEX);
        Check.hex("publicKey", publicKey, 0, Limits.MAX_PUBLIC_KEY_BYTES);
        Check.hex("signature", signature, 0, Limits.MAX_SIGNATURE_BYTES);
    }

    public static TxInput coinbase(long blockNumber) {
        return new TxInput(NULL_TX_ID, blockNumber, "", "");
    }

    public boolean isCoinbase() {
        return NULL_TX_ID.equals(txId);
    }
}
