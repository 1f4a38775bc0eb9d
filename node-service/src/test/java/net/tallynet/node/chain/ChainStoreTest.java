package net.tallynet.node.chain;

import net.tallynet.protocol.codec.FrameCodec;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Base of the tests over the real JPA chain store (H2 in memory): every connect and disconnect
 * commits on its own, as in the node, so each test starts from empty tables.
 */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
@Import({ChainStore.class, ChainStoreTest.Codec.class})
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public abstract class ChainStoreTest {

    @TestConfiguration
    static class Codec {
        @Bean
        FrameCodec storageCodec() {
            return new FrameCodec();
        }
    }

    @Autowired
    protected ChainStore store;
    @Autowired
    protected BlockRepository blocks;
    @Autowired
    protected UtxoRepository utxos;
    @Autowired
    protected UndoRepository undo;
    @Autowired
    protected TxLocationRepository transactions;
    @Autowired
    protected ChainTipRepository tips;

    @BeforeEach
    void emptyTables() {
        undo.deleteAll();
        transactions.deleteAll();
        utxos.deleteAll();
        tips.deleteAll();
        blocks.deleteAll();
    }
}
