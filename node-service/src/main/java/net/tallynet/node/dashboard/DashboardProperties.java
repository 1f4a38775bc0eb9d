package net.tallynet.node.dashboard;

import java.time.Duration;
import net.tallynet.p2p.http.EventStream;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web dashboard and its live events ({@code tallynet.dashboard.*}).
 *
 * @param events   the {@code GET /api/events} streams
 * @param arrivals recent blocks whose arrival (when, from whom) the dashboard shows
 * @param eventsPerSecond block and transaction events sent per second at most; past it (a sync, a flood)
 *                 they are counted and summed up once a second instead, so a stream never falls behind
 */
@ConfigurationProperties("tallynet.dashboard")
public record DashboardProperties(@DefaultValue Events events, @DefaultValue("100") int arrivals,
                                  @DefaultValue("20") int eventsPerSecond) {

    public DashboardProperties {
        if (arrivals < 1 || eventsPerSecond < 1) {
            throw new IllegalArgumentException("tallynet.dashboard.arrivals and events-per-second must be positive");
        }
    }

    /**
     * @param maxSubscribers streams open at once, all clients together
     * @param maxPerClient   streams open at once from one address (a few browser tabs)
     * @param queuedEvents   events waiting for one stream before it counts as stalled and is closed
     * @param keepAlive      a comment line after this much silence
     * @param lifetime       a stream ends after this long and the browser reconnects
     */
    public record Events(@DefaultValue("32") int maxSubscribers, @DefaultValue("4") int maxPerClient,
                         @DefaultValue("256") int queuedEvents, @DefaultValue("15s") Duration keepAlive,
                         @DefaultValue("10m") Duration lifetime) {

        EventStream.Settings settings() {
            return new EventStream.Settings(maxSubscribers, maxPerClient, queuedEvents, keepAlive, lifetime);
        }
    }
}
