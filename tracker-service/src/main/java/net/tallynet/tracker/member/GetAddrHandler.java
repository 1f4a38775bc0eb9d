package net.tallynet.tracker.member;

import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.MessageHandler;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    /** The close reason of a registration the tracker could not store (a database failure), unanswered. */
    public static final String REGISTRATION_FAILED = "registration_failed";
    private static final Logger log = LoggerFactory.getLogger(GetAddrHandler.class);
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
        int port = message.port();
        // answered once the registration is committed, on a thread of the registration writer's: this frame's
        // work thread goes on to the next frame meanwhile, so registrations arriving together are written together
        registry.register(host, port, peer.remoteHello().nodeId(), peer.remoteHello().blockCount())
                .whenComplete((registered, failure) -> {
                    if (failure != null) {
                        // our fault, not the member's (logged and counted by the registry): it registers again at
                        // its next interval
                        peer.close(CloseReason.NORMAL, REGISTRATION_FAILED);
                        return;
                    }
                    try {
                        peer.sendEncoded(Method.ADDR, registry.addrFrameFor(host, port));
                    } catch (RuntimeException e) {
                        // as a handler's failure is (PeerSession): logged, not charged to the peer
                        log.warn("ADDR to {}:{} not sent: {}", host, port, e.toString());
                    } finally {
                        // after the ADDR is written (close waits for what was queued before it), or without it
                        peer.close(CloseReason.NORMAL, REGISTERED);
                    }
                });
    }
}
