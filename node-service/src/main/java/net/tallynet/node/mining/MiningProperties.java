package net.tallynet.node.mining;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The background miner ({@code tallynet.mining.*}, operating contract).
 *
 * @param enabled whether the node mines on its own (POST /api/blocks/generate works either way)
 * @param threads mining threads; each searches its own nonce range
 */
@ConfigurationProperties("tallynet.mining")
public record MiningProperties(@DefaultValue("false") boolean enabled, @DefaultValue("1") int threads) {

    public MiningProperties {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("tallynet.mining.threads must be 1 to 64");
        }
    }
}
