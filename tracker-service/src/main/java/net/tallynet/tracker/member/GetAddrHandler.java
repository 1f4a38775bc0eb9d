package net.tallynet.tracker.member;

import java.util.List;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.Method;
import org.springframework.stereotype.Component;

/**
 * GETADDR towards the tracker registers the sender and is answered with ADDR, after which the tracker
 * closes the connection (PROTOCOL.md 7.2): a member holds no connection slot between registrations,
 * so the members a tracker serves are bounded by its memory, not by {@code tallynet.peers.max-inbound}.
 */
@Component
public class GetAddrHandler implements MessageHandler<GetAddrMessage> {
    /** The rejection label for a host registering faster than {@code tallynet.members} allows. */
    public static final String REGISTRATION_FLOOD = "registration_flood";
    /** The close reason of a registration answered: an orderly end (status 1000). */
    public static final String REGISTERED = "registered";
    private final MemberRegistry registry;

    public GetAddrHandler(MemberRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Method method() {
        return Method.GETADDR;
    }

    @Override
    public void handle(PeerSession peer, GetAddrMessage message) {
        if (message.port() == null) {
            throw new PeerMisbehaviourException(RejectReason.MISSING_FIELD.label(),
                    "GETADDR to a tracker must carry the member's listening port");
        }
        String host = peer.remoteHost();
        if (!registry.allowRegistration(host)) {
            // closed as well as charged: left open, the member would register again on it every interval and
            // each refusal charge its host further, until a busy host shared by many nodes was banned
            peer.close(CloseReason.RATE_LIMITED, REGISTRATION_FLOOD);
            throw new PeerMisbehaviourException(REGISTRATION_FLOOD, "too many registrations from " + host);
        }
        registry.register(host, message.port(), peer.remoteHello().nodeId(), peer.remoteHello().blockCount());
        List<AddressEntry> sample = registry.sampleFor(host, message.port()).stream()
                .map(m -> new AddressEntry(m.host(), m.port(), m.lastSeen()))
                .toList();
        peer.send(new AddrMessage(sample));
        // after the ADDR is written (close waits for what was queued before it)
        peer.close(CloseReason.NORMAL, REGISTERED);
    }
}
