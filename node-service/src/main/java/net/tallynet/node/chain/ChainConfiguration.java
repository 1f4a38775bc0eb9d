package net.tallynet.node.chain;

import java.time.Clock;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.p2p.store.UncommittedEntrySweep;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.SignatureChecker;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the chain: consensus parameters, the validator and the chain service; and, before the store is read,
 * the repair of what a kill can leave in H2's file ({@link UncommittedEntrySweep}).
 */
@Configuration(proxyBeanMethods = false)
@Import(UncommittedEntrySweep.class)
@EnableConfigurationProperties({ChainProperties.class, NetworkProperties.class, JournalProperties.class})
public class ChainConfiguration {

    @Bean
    ChainParams chainParams(ChainProperties properties) {
        return properties.params();
    }

    @Bean(destroyMethod = "close")
    BlockJournal blockJournal(NetworkProperties network, JournalProperties properties) {
        return BlockJournal.open(network.dataDir().resolve("journal"), properties.sync());
    }

    /** Shared by the block validator and the mempool's transaction validator (LedgerConfiguration). */
    @Bean(destroyMethod = "close")
    SignatureChecker signatureChecker(NetworkProperties network, ChainProperties properties) {
        return new SignatureChecker(network.networkId(), properties.signatureThreads(), properties.verifiedCache());
    }

    @Bean
    Chain chain(ChainStore store, ChainParams params, NetworkProperties network, ChainProperties properties,
                BlockJournal journal, SignatureChecker signatures) {
        BlockValidator validator = new BlockValidator(params, Clock.systemUTC(), signatures);
        Chain chain = new Chain(store, validator, params, network.network(), properties.maxForkDepth(), journal);
        // a branch stored before the kill is finished first: a journaled block of equal work must not take its place
        chain.resume();
        chain.replayJournal();
        chain.resume();
        return chain;
    }
}
