package net.tallynet.node.wallet;

import org.springframework.data.jpa.repository.JpaRepository;

public interface LocalTransactionRepository extends JpaRepository<LocalTransaction, String> {
}
