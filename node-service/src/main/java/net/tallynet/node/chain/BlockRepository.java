package net.tallynet.node.chain;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface BlockRepository extends JpaRepository<StoredBlock, String> {

    Optional<StoredBlock> findByNumberAndMainChainTrue(long number);

    Optional<StoredBlock> findFirstByOrderByChainWorkDesc();

    java.util.List<StoredBlock> findByPreviousHash(String previousHash);

    /** Best-chain headers from {@code from} to {@code to}: one query for a LISTOFBLOCKS answer. */
    java.util.List<StoredBlock> findByMainChainTrueAndNumberBetweenOrderByNumberAsc(long from, long to);
}
