package net.tallynet.p2p;

import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;

/**
 * Acts on one method's messages from an established peer. One class per method; a service
 * registers the handlers of the methods it serves and every other method is refused.
 */
public interface MessageHandler<T extends Message> {

    Method method();

    /**
     * Handles a decoded, well-formed message. Throw {@link PeerMisbehaviourException} for a message
     * that breaks a rule no honest peer breaks; it is charged and counted like a rejected frame.
     */
    void handle(PeerSession peer, T message);
}
