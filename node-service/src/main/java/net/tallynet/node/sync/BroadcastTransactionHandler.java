package net.tallynet.node.sync;

import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/** BROADCASTTRANSACTION (PROTOCOL.md 7.5), handled by {@link TransactionRelay}. */
@Component
class BroadcastTransactionHandler implements MessageHandler<BroadcastTransactionMessage> {
    private final TransactionRelay relay;

    BroadcastTransactionHandler(TransactionRelay relay) {
        this.relay = relay;
    }

    @Override
    public Method method() {
        return Method.BROADCASTTRANSACTION;
    }

    @Override
    public void handle(PeerSession peer, BroadcastTransactionMessage message) {
        relay.onAnnounce(peer, message);
    }
}
