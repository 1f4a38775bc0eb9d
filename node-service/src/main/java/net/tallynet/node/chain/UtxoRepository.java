package net.tallynet.node.chain;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface UtxoRepository extends JpaRepository<StoredUtxo, Outpoint> {

    /** Spendable candidates for a wallet, largest first (fewest inputs). */
    @Query("select u from StoredUtxo u where u.output.address = :address order by u.output.amount desc")
    java.util.List<StoredUtxo> findByAddressLargestFirst(@Param("address") String address,
                                                         org.springframework.data.domain.Pageable page);

    /** Every unspent output of the given transactions: one query for all the inputs of a block. */
    /** Every unspent output of these transactions at these indexes (a superset of the outpoints they pair up to). */
    @Query("select u from StoredUtxo u where u.txId in :txIds and u.outputIndex in :indexes")
    java.util.List<StoredUtxo> findByTxIdsAndIndexes(@Param("txIds") java.util.Collection<String> txIds,
                                                     @Param("indexes") java.util.Collection<Long> indexes);

    @Query("select coalesce(sum(u.output.amount), 0) from StoredUtxo u where u.output.address = :address")
    long balanceOf(@Param("address") String address);
}
