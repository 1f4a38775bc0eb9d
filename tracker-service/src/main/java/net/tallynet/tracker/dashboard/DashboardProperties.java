package net.tallynet.tracker.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The dashboard at {@code /} and its data ({@code tallynet.dashboard.*}).
 *
 * @param pollInterval    how often the network map asks each active member for its peers, while someone looks
 * @param pollConcurrency peer lists asked for at once: a round over many members opens few sockets
 * @param pollTimeout     a member must answer {@code GET /api/peers} within this (connect included), else it has no links
 * @param memberApiPortOffset where members serve {@code GET /api/peers}: their registered (P2P) port plus this. A
 *                        member registers only its P2P address (HELLO carries no API port, and the protocol stays as
 *                        it is), so the map assumes the layout every shipped setup uses: a node's API port is its
 *                        P2P port + 1000 (defaults 8081 and 9081, the devnet, compose and k8s). A member whose
 *                        API port is elsewhere, or bound to loopback on another host, just shows no links
 * @param maxPeersBytes   the largest peer list read; a longer answer is ignored (a member cannot make us buffer much)
 * @param idleAfter       the polling stops this long after the last {@code /api/network} request or event stream
 * @param maxNodes        active members on the map (the first registered): beyond a few hundred no one reads a map
 * @param events          the caps of {@code GET /api/events}
 */
@ConfigurationProperties("tallynet.dashboard")
public record DashboardProperties(
        @DefaultValue("10s") Duration pollInterval,
        @DefaultValue("8") int pollConcurrency,
        @DefaultValue("2s") Duration pollTimeout,
        @DefaultValue("1000") int memberApiPortOffset,
        @DefaultValue("256KB") DataSize maxPeersBytes,
        @DefaultValue("1m") Duration idleAfter,
        @DefaultValue("500") int maxNodes,
        @DefaultValue Events events) {

    public DashboardProperties {
        if (!pollInterval.isPositive() || pollConcurrency < 1 || !pollTimeout.isPositive()
                || maxPeersBytes.toBytes() < 1 || maxPeersBytes.toBytes() > Integer.MAX_VALUE
                || !idleAfter.isPositive() || maxNodes < 1 || Math.abs(memberApiPortOffset) > 65535) {
            throw new IllegalArgumentException("invalid tallynet.dashboard settings");
        }
    }

    /**
     * @param maxSubscribers event streams open at once, all clients together
     * @param maxPerClient   event streams open at once from one address (a few browser tabs)
     * @param queuedEvents   events waiting for one stream before it counts as stalled and is dropped
     * @param keepAlive      a comment line after this much silence, so dead clients show up
     * @param lifetime       a stream ends after this long and the browser reconnects
     */
    public record Events(
            @DefaultValue("32") int maxSubscribers,
            @DefaultValue("4") int maxPerClient,
            @DefaultValue("16") int queuedEvents,
            @DefaultValue("15s") Duration keepAlive,
            @DefaultValue("10m") Duration lifetime) {
    }
}
