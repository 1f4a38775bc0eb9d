package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.EntityManagerFactory;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

/**
 * A flush of the coins cache whose transaction cannot even begin (no connection: the pool exhausted or the
 * database gone) fails, and puts the changes it had set aside back: the next flush writes them all. Before,
 * they stayed set aside, every later flush failed with "a flush is already in progress", and once the cache
 * was full no block could connect until a restart. The fault is injected at the transaction manager, the one
 * part here that cannot be made to fail for real on demand.
 */
class FlushThatCannotBeginTest extends ChainStoreTest {
    static final AtomicBoolean failNextBegin = new AtomicBoolean();

    @TestConfiguration
    static class NoConnectionOnDemand {
        /** The store's own transaction manager, whose next begin fails when asked to. */
        @Bean
        PlatformTransactionManager transactionManager(EntityManagerFactory entityManagers) {
            JpaTransactionManager real = new JpaTransactionManager(entityManagers);
            return new PlatformTransactionManager() {
                @Override
                public TransactionStatus getTransaction(TransactionDefinition definition) {
                    if (failNextBegin.getAndSet(false)) {
                        throw new CannotCreateTransactionException("no connection (injected)");
                    }
                    return real.getTransaction(definition);
                }

                @Override
                public void commit(TransactionStatus status) {
                    real.commit(status);
                }

                @Override
                public void rollback(TransactionStatus status) {
                    real.rollback(status);
                }
            };
        }
    }

    @Test
    void theChangesSetAsideGoBackAndTheNextFlushWritesThem() throws Exception {
        Chain chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1000);
        for (Block block : TestBlocks.fanOutChain(6, 4)) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        assertThat(store.coinsToFlush()).isTrue();

        failNextBegin.set(true);
        assertThatThrownBy(store::flushCoins).isInstanceOf(CannotCreateTransactionException.class);
        assertThat(store.coinsToFlush()).as("the changes are back in the cache").isTrue();
        StoredChainOutputs.assertLookupsMatch(store, StoredChainOutputs.implied(store, chain));

        store.flushCoins();
        assertThat(store.coinsToFlush()).isFalse();
        StoredChainOutputs.assertMatch(store, chain, utxos, transactions);
    }
}
