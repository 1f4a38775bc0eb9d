package net.tallynet.node.chain;

import java.time.Clock;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.ChainParams;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the chain: consensus parameters, the validator and the chain service. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ChainProperties.class, NetworkProperties.class})
public class ChainConfiguration {

    @Bean
    ChainParams chainParams(ChainProperties properties) {
        return properties.params();
    }

    @Bean
    Chain chain(ChainStore store, ChainParams params, NetworkProperties network, ChainProperties properties) {
        BlockValidator validator = new BlockValidator(params, network.networkId(), Clock.systemUTC());
        Chain chain = new Chain(store, validator, params, network.network(), properties.maxForkDepth());
        chain.resume();
        return chain;
    }
}
