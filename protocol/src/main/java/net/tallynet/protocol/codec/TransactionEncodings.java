package net.tallynet.protocol.codec;

import net.tallynet.protocol.ledger.Transaction;

/**
 * Encodings of transactions this codec wrote before ({@link FrameCodec#encodeTransaction}), copied into a frame
 * as they are instead of written again ({@link FrameCodec#encodeToBytes(net.tallynet.protocol.message.Message,
 * TransactionEncodings)}): a node keeps each pooled transaction's, and a block rebuilt from its pool is then
 * written mostly by copying.
 */
@FunctionalInterface
public interface TransactionEncodings {
    TransactionEncodings NONE = tx -> null;

    /**
     * What {@link FrameCodec#encodeTransaction} gave for this very instance (transactions are immutable, so it
     * still holds), or null to have it written.
     */
    byte[] of(Transaction tx);
}
