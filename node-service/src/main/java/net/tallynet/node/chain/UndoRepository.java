package net.tallynet.node.chain;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface UndoRepository extends JpaRepository<SpentOutput, SpentOutput.Key> {

    List<SpentOutput> findByBlockHash(String blockHash);

    @Modifying(flushAutomatically = true)
    @Query("delete from SpentOutput s where s.blockHash = :blockHash")
    int deleteByBlock(@Param("blockHash") String blockHash);
}
