package net.tallynet.node.network;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound connections ({@code tallynet.peers.*}, operating contract).
 *
 * @param seeds                   static peer addresses ({@code host:port}), dialled besides what trackers hand
 *                                out; the operator's choice, so they are exempt from the netgroup rule
 * @param maxOutbound             outbound connections the node keeps
 * @param maxOutboundPerNetgroup  outbound connections to one netgroup (/16 of IPv4, /32 of IPv6) at most, seeds
 *                                aside: an attacker holding one address range cannot be all our peers. A network
 *                                whose nodes all share one range (a devnet on 127.0.0.1, a compose or pod network)
 *                                raises it
 * @param anchors                 outbound peers recorded as anchors and redialled first after a restart
 * @param feelerInterval          mean time between feeler connections, which test an address from the new table
 *                                (or a tried one about to be evicted) and close after the handshake; 0 disables
 * @param connectInterval         how often missing outbound connections are filled
 * @param advertiseInterval       how often the node sends ADDR with its own address to its peers (jittered by up to a third)
 * @param seedsOnly               dial the seeds and nothing else: no anchors, no addresses from the book, no feelers
 *                                (Bitcoin Core's {@code -connect}); the lab builds its topologies with it
 * @param maxRetryDelay           the longest wait before an address that failed is dialled again (the wait doubles
 *                                from 2 s with each failure up to this); the lab shortens it so that a healed link
 *                                comes back within seconds
 */
@ConfigurationProperties("tallynet.peers")
public record OutboundProperties(@DefaultValue List<String> seeds, @DefaultValue("8") int maxOutbound,
                                 @DefaultValue("1") int maxOutboundPerNetgroup, @DefaultValue("2") int anchors,
                                 @DefaultValue("2m") Duration feelerInterval,
                                 @DefaultValue("5s") Duration connectInterval,
                                 @DefaultValue("30s") Duration advertiseInterval,
                                 @DefaultValue("false") boolean seedsOnly,
                                 @DefaultValue("5m") Duration maxRetryDelay) {

    public OutboundProperties {
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            if (colon <= 0 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("tallynet.peers.seeds entries are host:port, not " + seed);
            }
        }
        if (maxOutbound < 0 || maxOutboundPerNetgroup < 1 || anchors < 0 || feelerInterval.isNegative()
                || advertiseInterval.toMillis() < 100 || maxRetryDelay.toMillis() < 100) {
            throw new IllegalArgumentException("invalid tallynet.peers outbound settings");
        }
    }
}
