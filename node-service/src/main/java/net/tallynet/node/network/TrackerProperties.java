package net.tallynet.node.network;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Trackers to register with ({@code tallynet.tracker.*}, operating contract).
 *
 * @param urls             e.g. {@code ws://tracker:8080/p2p}; none means the node relies on seeds and known addresses
 * @param registerInterval how often registration is renewed (and a lost tracker connection retried)
 */
@ConfigurationProperties("tallynet.tracker")
public record TrackerProperties(@DefaultValue List<URI> urls, @DefaultValue("60s") Duration registerInterval) {

    public TrackerProperties {
        for (URI url : urls) {
            if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
                throw new IllegalArgumentException("tallynet.tracker.urls must be ws:// or wss:// URLs, not " + url);
            }
        }
    }
}
