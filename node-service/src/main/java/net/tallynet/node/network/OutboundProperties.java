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
 * @param fetchWindow     GETBLOCK requests in flight per peer during sync (the peer's rate limit bounds it too)
 */
@ConfigurationProperties("tallynet.peers")
public record OutboundProperties(@DefaultValue List<String> seeds, @DefaultValue("8") int maxOutbound,
                                 @DefaultValue("5s") Duration connectInterval, @DefaultValue("32") int fetchWindow) {

    public OutboundProperties {
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            if (colon <= 0 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("tallynet.peers.seeds entries are host:port, not " + seed);
            }
        }
        if (maxOutbound < 0 || fetchWindow < 1 || fetchWindow > 1000) {
            throw new IllegalArgumentException("invalid tallynet.peers outbound settings");
        }
    }
}
