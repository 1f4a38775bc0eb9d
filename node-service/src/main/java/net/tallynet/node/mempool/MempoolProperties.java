package net.tallynet.node.mempool;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Mempool bounds ({@code tallynet.mempool.*}): peers can send transactions without limit, memory is not.
 *
 * @param maxTransactions most transactions kept
 * @param maxBytes        most canonical bytes kept
 */
@ConfigurationProperties("tallynet.mempool")
public record MempoolProperties(@DefaultValue("5000") int maxTransactions, @DefaultValue("5000000") long maxBytes) {

    public MempoolProperties {
        if (maxTransactions < 1 || maxBytes < 1000) {
            throw new IllegalArgumentException("invalid tallynet.mempool settings");
        }
    }
}
