package net.tallynet.protocol.message;

/**
 * Compact block relay (PROTOCOL.md 12.1): asks the receiver to push new blocks to the sender as
 * COMPACTBLOCK without announcing them first ({@code highBandwidth} true), or to go back to
 * announcing them (false). A node asks this of the few peers that recently brought it blocks first.
 */
public record SendCompactMessage(boolean highBandwidth) implements Message {

    @Override
    public Method method() {
        return Method.SENDCOMPACT;
    }
}
