package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.BlockRef;
import org.junit.jupiter.api.Test;

/**
 * Headers first lists every stored block with its whole header; a store written before blocks kept
 * their merkle root and nonce gains those columns empty, and the node fills them from each block's
 * frame at start.
 */
class StoredHeaderColumnsTest extends ChainStoreTest {

    @Test
    void blocksStoredWithoutMerkleRootAndNonceGetThemFromTheirFramesAtStart() {
        Block child = storeChildOfGenesis();
        jdbc.update("update blocks set merkle_root = null, nonce = null"); // as an older version left them

        store.initialise(GENESIS, GENESIS_WORK); // what every start does

        assertThat(blocks.findById(child.hash()).orElseThrow().ref()).isEqualTo(BlockRef.of(child));
        assertThat(store.mainChainRefs(0, 0)).containsExactly(BlockRef.of(GENESIS));
        assertThat(jdbc.queryForObject("select count(*) from blocks where merkle_root is null or nonce is null",
                Long.class)).isZero();
    }
}
