package net.tallynet.node.chain;

import org.springframework.data.jpa.repository.JpaRepository;

public interface ChainTipRepository extends JpaRepository<ChainTip, Integer> {
}
