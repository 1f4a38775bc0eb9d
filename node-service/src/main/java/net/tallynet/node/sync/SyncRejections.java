package net.tallynet.node.sync;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.tallynet.p2p.KnownRejections;
import net.tallynet.protocol.ledger.ValidationReason;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the sync and relay handlers refuse with: every ledger rule (an invalid block or transaction from
 * a peer), a locator with no common block, a list that is not one chain, and a push over the peer's
 * signature budget. Declared so the rejected-frames counter starts at zero.
 */
@Configuration(proxyBeanMethods = false)
class SyncRejections {

    @Bean
    KnownRejections syncRejectionLabels() {
        Set<String> labels = new HashSet<>();
        Arrays.stream(ValidationReason.values()).map(ValidationReason::label).forEach(labels::add);
        labels.add(BlockSync.NO_COMMON_BLOCK);
        labels.add(BlockSync.UNLINKED_LIST);
        labels.add(BlockSync.UNSOLICITED_LIST);
        labels.add(TransactionRelay.OVER_BUDGET);
        return new KnownRejections(labels);
    }
}
