package net.tallynet.node.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When transactions are announced ({@code tallynet.relay.*}, PROTOCOL.md 7.5). Each peer is sent the new ids
 * at random times, Poisson-distributed with these means (after Bitcoin Core): no fixed beat at every hop,
 * and no peer can tell from the timing which of its neighbours a transaction came from first. Longer
 * means hide more and batch more; shorter ones spread transactions faster. Inbound peers, which anyone
 * can open, wait longer and share one timer, so opening many connections learns nothing more.
 *
 * @param outboundInterval  mean time between announcements to each peer we dialled
 * @param inboundInterval   mean time between announcements to peers that dialled us (one timer for all)
 * @param backlog           ids kept for peers whose turn has not come (one list for all peers)
 * @param maxOrphans        pushed transactions held for an output not known yet (orphans), at most
 * @param orphanExpiry      how long an orphan is held for its parent, at most
 * @param rebroadcastInterval about how often (drawn between half and one and a half times this) the node's own
 *                          transactions that no peer has asked for yet are announced to every peer again, once
 *                          they have waited this long ({@link UnbroadcastTransactions})
 */
@ConfigurationProperties("tallynet.relay")
public record RelayProperties(@DefaultValue("5ms") Duration outboundInterval,
                              @DefaultValue("10ms") Duration inboundInterval,
                              @DefaultValue("20000") int backlog,
                              @DefaultValue("100") int maxOrphans,
                              @DefaultValue("20m") Duration orphanExpiry,
                              @DefaultValue("30s") Duration rebroadcastInterval) {

    public RelayProperties {
        if (outboundInterval.toMillis() < 1 || inboundInterval.toMillis() < 1 || backlog < 1000 || maxOrphans < 1
                || orphanExpiry.toSeconds() < 1 || rebroadcastInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("invalid tallynet.relay settings");
        }
    }

}
