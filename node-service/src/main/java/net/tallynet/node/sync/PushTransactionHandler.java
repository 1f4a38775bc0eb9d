package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.PushTransactionMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** PUSHTRANSACTION (PROTOCOL.md 7.5), handled by {@link TransactionRelay}. */
@Component
class PushTransactionHandler implements MessageHandler<PushTransactionMessage> {
    private final TransactionRelay relay;

    PushTransactionHandler(TransactionRelay relay) {
        this.relay = relay;
    }

    @Override
    public Method method() {
        return Method.PUSHTRANSACTION;
    }

    @Override
    public void handle(PeerSession peer, PushTransactionMessage message) {
        relay.onPush(peer, message);
    }
}
