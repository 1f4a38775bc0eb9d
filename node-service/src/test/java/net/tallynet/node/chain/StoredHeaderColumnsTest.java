package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockRef;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Headers first lists every stored block with its whole header; a store written before blocks kept
 * their merkle root and nonce gains those columns empty, and the node fills them from each block's
 * frame at start.
 */
class StoredHeaderColumnsTest extends ChainStoreTest {
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void blocksStoredWithoutMerkleRootAndNonceGetThemFromTheirFramesAtStart() {
        Block genesis = Genesis.of("devnet");
        String work = Difficulty.toHex(Difficulty.work(genesis.target()));
        store.initialise(genesis, work);
        Block child = TestBlocks.block(genesis, new byte[32], List.of());
        store.store(child, work);
        jdbc.update("update blocks set merkle_root = null, nonce = null"); // as an older version left them

        store.initialise(genesis, work); // what every start does

        assertThat(store.header(child.hash()).orElseThrow().ref()).isEqualTo(BlockRef.of(child));
        assertThat(store.mainChainRefs(0, 0)).containsExactly(BlockRef.of(genesis));
        assertThat(jdbc.queryForObject("select count(*) from blocks where merkle_root is null or nonce is null",
                Long.class)).isZero();
    }
}
