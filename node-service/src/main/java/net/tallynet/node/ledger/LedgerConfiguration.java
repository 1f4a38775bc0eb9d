package net.tallynet.node.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mempool.MempoolProperties;
import net.tallynet.node.mining.BlockAssembler;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.mining.MiningProperties;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.SignatureChecker;
import net.tallynet.protocol.ledger.TransactionValidator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires mempool, wallet, ledger and miner around the chain. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MempoolProperties.class, MiningProperties.class})
public class LedgerConfiguration {

    @Bean
    Mempool mempool(ChainStore store, ChainParams params, SignatureChecker signatures, MempoolProperties properties) {
        return new Mempool(store, new TransactionValidator(params, signatures), properties);
    }

    @Bean
    Wallet wallet(NetworkProperties network, ChainStore store, Mempool mempool, ChainParams params) {
        return new Wallet(network.dataDir(), store, mempool, params, network.networkId());
    }

    @Bean
    Ledger ledger(Chain chain, Mempool mempool, MeterRegistry meters) {
        return new Ledger(chain, mempool, meters);
    }

    @Bean
    BlockAssembler blockAssembler(Chain chain, Mempool mempool, ChainParams params) {
        return new BlockAssembler(chain, mempool, params, Clock.systemUTC());
    }

    @Bean
    Miner miner(BlockAssembler assembler, Ledger ledger, Wallet wallet, MiningProperties properties) {
        return new Miner(assembler, ledger, wallet, properties);
    }
}
