package net.tallynet.protocol.codec;

import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.message.Message;

/** What decoding a frame gives: a message, or a rejection with its reason. Never an exception. */
public sealed interface DecodeResult {

    record Decoded(Message message) implements DecodeResult {
    }

    /** @param detail one human-readable line naming the field or position, for logs and close reasons */
    record Rejected(RejectReason reason, String detail) implements DecodeResult {
    }
}
