package net.tallynet.node.chain;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ChainTipRepository extends JpaRepository<ChainTip, Integer> {
    /**
     * Records the block the {@code utxos} table is brought to, and nothing else of the row: a flush beside
     * blocks must not write back a best hash it read before they moved the tip.
     */
    @Modifying
    @Query("update ChainTip t set t.coinsHash = :hash where t.id = :id")
    void recordCoinsAt(@Param("id") int id, @Param("hash") String hash);
}
