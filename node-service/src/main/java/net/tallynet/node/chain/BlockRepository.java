package net.tallynet.node.chain;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface BlockRepository extends JpaRepository<StoredBlock, String> {

    Optional<StoredBlock> findByNumberAndMainChainTrue(long number);

    Optional<StoredBlock> findFirstByOrderByChainWorkDesc();

    java.util.List<StoredBlock> findByPreviousHash(String previousHash);
}
