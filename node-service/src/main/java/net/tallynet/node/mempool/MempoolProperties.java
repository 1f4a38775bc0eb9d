package net.tallynet.node.mempool;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Mempool bounds ({@code tallynet.mempool.*}): peers can send transactions without limit, memory is not.
 *
 * @param maxTransactions    most transactions kept
 * @param maxBytes           most canonical bytes kept; each pooled transaction also keeps its encoding as frames
 *                           carry it (2.3 to 2.8 times its canonical size), which a block of pooled transactions
 *                           copies into its frame: about 14 MB more at the default
 * @param minFeeRate         fee a transaction must pay per 1,000 canonical bytes to be pooled and relayed (no
 *                           free relay: spam costs its sender); 100, as Bitcoin Core's 0.1 sat/vB (an amount of
 *                           1 is a hundred-millionth of a coin), about 25 for an ordinary payment
 * @param incrementalFeeRate when the pool is full, what a newcomer must pay per 1,000 bytes beyond the worst
 *                           pooled transaction to push it out: without it, fee rates rising by 1 could make
 *                           every full pool churn (and be relayed) at almost no cost
 */
@ConfigurationProperties("tallynet.mempool")
public record MempoolProperties(@DefaultValue("5000") int maxTransactions, @DefaultValue("5000000") long maxBytes,
                                @DefaultValue("100") long minFeeRate, @DefaultValue("100") long incrementalFeeRate) {

    public MempoolProperties {
        if (maxTransactions < 1 || maxBytes < 1000 || minFeeRate < 0 || incrementalFeeRate < 0) {
            throw new IllegalArgumentException("invalid tallynet.mempool settings");
        }
    }

    /** These bounds with the default fee rates (tests). */
    public static MempoolProperties bounds(int maxTransactions, long maxBytes) {
        return new MempoolProperties(maxTransactions, maxBytes, 100, 100);
    }
}
