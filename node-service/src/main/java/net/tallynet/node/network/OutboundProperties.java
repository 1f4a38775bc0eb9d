package net.tallynet.node.network;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound connections ({@code tallynet.peers.*}, operating contract).
 *
 * @param seeds           static peer addresses ({@code host:port}), dialled besides what trackers hand out
 * @param maxOutbound     outbound connections the node keeps
 * @param connectInterval how often missing outbound connections are filled
 * @param advertiseInterval how often the node sends ADDR with its own address to its peers (jittered by up to a third)
 */
@ConfigurationProperties("tallynet.peers")
public record OutboundProperties(@DefaultValue List<String> seeds, @DefaultValue("8") int maxOutbound,
                                 @DefaultValue("5s") Duration connectInterval,
                                 @DefaultValue("30s") Duration advertiseInterval) {

    public OutboundProperties {
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            if (colon <= 0 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("tallynet.peers.seeds entries are host:port, not " + seed);
            }
        }
        if (maxOutbound < 0 || advertiseInterval.toMillis() < 100) {
            throw new IllegalArgumentException("invalid tallynet.peers outbound settings");
        }
    }
}
