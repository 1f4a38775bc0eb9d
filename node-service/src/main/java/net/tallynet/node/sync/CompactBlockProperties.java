package net.tallynet.node.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Compact block relay ({@code tallynet.compact-blocks.*}, PROTOCOL.md 12.1).
 *
 * @param enabled              list the extension in HELLO and use it with peers that list it too; off,
 *                             the node relays blocks as a version-1 node does
 * @param highBandwidthPeers   how many peers are asked to push new blocks without announcing them first:
 *                             those that most recently brought us a block first (BIP152 uses 3)
 * @param transactionsTimeout  how long a peer has to answer GETBLOCKTXN before the block is fetched whole
 *                             (headers first); the third left unanswered in a row is charged
 */
@ConfigurationProperties("tallynet.compact-blocks")
public record CompactBlockProperties(@DefaultValue("true") boolean enabled,
                                     @DefaultValue("3") int highBandwidthPeers,
                                     @DefaultValue("5s") Duration transactionsTimeout) {

    public CompactBlockProperties {
        if (highBandwidthPeers < 0 || highBandwidthPeers > 8 || transactionsTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("tallynet.compact-blocks: high-bandwidth-peers 0 to 8, "
                    + "transactions-timeout at least 100ms");
        }
    }
}
