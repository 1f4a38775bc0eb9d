package net.tallynet.tracker;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.p2p.LocalPeer;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.protocol.message.HelloMessage;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The tracker's HELLO: role tracker, blockCount 0, the genesis hash as best hash (PROTOCOL.md 7.2). */
@Component
public class TrackerIdentity implements LocalPeer {
    static final String AGENT = "tallynet-tracker/0.1.0";

    private final String nodeId;
    private final String networkId;
    private final Clock clock;
    private final AtomicInteger port = new AtomicInteger();

    public TrackerIdentity(NetworkProperties network, Clock clock) {
        this.nodeId = LocalPeer.newNodeId();
        this.networkId = network.networkId();
        this.clock = clock;
    }

    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        port.set(event.getWebServer().getPort());
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String networkId() {
        return networkId;
    }

    @Override
    public HelloMessage hello() {
        return new HelloMessage(HelloMessage.PROTOCOL_VERSION, networkId, 0, networkId, clock.millis(), port.get(),
                nodeId, AGENT, HelloMessage.ROLE_TRACKER);
    }
}
