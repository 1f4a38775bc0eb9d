package net.tallynet.node.chain;

import org.springframework.data.jpa.repository.JpaRepository;

public interface TxLocationRepository extends JpaRepository<TxLocation, String> {
}
