package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link CoinsCacheTest} with a 2 KB cache: five outputs (two of them changes) and one header, so
 * nearly every block flushes, evicts and reads outputs and headers back from the store. The outcomes
 * must be the same as with the default bound.
 */
@TestPropertySource(properties = "tallynet.chain.cache-size=2KB")
class TinyCoinsCacheTest extends CoinsCacheTest {
    @Autowired
    private ChainProperties properties;

    @Test
    void theBoundIsFiveOutputsAndOneHeader() {
        assertThat(properties.cachedCoins()).isEqualTo(5);
        assertThat(properties.cachedHeaders()).isEqualTo(1);
    }
}
