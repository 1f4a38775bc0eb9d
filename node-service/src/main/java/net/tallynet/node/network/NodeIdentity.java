package net.tallynet.node.network;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.StoredHeader;
import net.tallynet.node.sync.CompactBlockProperties;
import net.tallynet.node.sync.SyncProperties;
import net.tallynet.p2p.LocalPeer;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.protocol.message.Extensions;
import net.tallynet.protocol.message.HelloMessage;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The node's HELLO: its chain summary, its listening port and a node id random per process. */
@Component
public class NodeIdentity implements LocalPeer {
    static final String AGENT = "tallynet-node/0.1.0";

    private final String nodeId;
    private final String networkId;
    private final Chain chain;
    private final NodeNetworkProperties network;
    private final Clock clock = Clock.systemUTC();
    private final AtomicInteger listeningPort = new AtomicInteger();
    /** The protocol extensions this node speaks (PROTOCOL.md 12), listed in its HELLO; null lists none. */
    private final List<String> extensions;

    public NodeIdentity(NetworkProperties networkProperties, Chain chain, NodeNetworkProperties network,
                        CompactBlockProperties compactBlocks, SyncProperties sync) {
        this.nodeId = LocalPeer.newNodeId();
        this.networkId = networkProperties.networkId();
        this.chain = chain;
        this.network = network;
        this.extensions = listed(compactBlocks, sync);
    }

    private static List<String> listed(CompactBlockProperties compactBlocks, SyncProperties sync) {
        List<String> listed = new ArrayList<>();
        if (compactBlocks.enabled()) {
            listed.add(Extensions.COMPACT_BLOCKS);
        }
        if (sync.blockBatches()) {
            listed.add(Extensions.BLOCK_BATCHES);
        }
        return listed.isEmpty() ? null : List.copyOf(listed); // none: the field is left out, as a version-1 HELLO has it
    }

    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        listeningPort.set(event.getWebServer().getPort());
    }

    /** The port peers and trackers should dial: the advertised one, else the one this process listens on. */
    public int advertisedPort() {
        return network.advertisedPort() != null ? network.advertisedPort() : listeningPort.get();
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
        StoredHeader tip = chain.tip();
        return new HelloMessage(HelloMessage.PROTOCOL_VERSION, networkId, tip.number() + 1, tip.hash(), clock.millis(),
                advertisedPort(), nodeId, AGENT, HelloMessage.ROLE_NODE, extensions);
    }
}
