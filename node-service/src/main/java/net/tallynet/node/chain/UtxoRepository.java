package net.tallynet.node.chain;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface UtxoRepository extends JpaRepository<StoredUtxo, Outpoint> {

    @Query("select coalesce(sum(u.amount), 0) from StoredUtxo u where u.address = :address")
    long balanceOf(@Param("address") String address);
}
