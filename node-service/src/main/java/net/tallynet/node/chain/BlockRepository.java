package net.tallynet.node.chain;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface BlockRepository extends JpaRepository<StoredBlock, String> {

    Optional<StoredBlock> findByNumberAndMainChainTrue(long number);

    Optional<StoredBlock> findFirstByOrderByChainWorkDesc();

    java.util.List<StoredBlock> findByPreviousHash(String previousHash);

    // The queries below answer what peers ask for without loading a single block body: an entity
    // load would read each block's whole frame (2,000 of them per LISTOFBLOCKS).

    @Query("select b.hash from StoredBlock b where b.merkleRoot is null or b.nonce is null")
    List<String> hashesWithoutFullHeader();

    /** Best-chain block summaries from {@code from} to {@code to}, newest first. */
    @Query("select new net.tallynet.node.chain.BlockSummary(b.number, b.hash, b.previousHash, b.time, b.txCount)"
            + " from StoredBlock b where b.mainChain = true and b.number between :from and :to order by b.number desc")
    List<BlockSummary> mainChainSummaries(@Param("from") long from, @Param("to") long to);

    /** Where a stored block sits: enough to walk a side branch back to the best chain without loading bodies. */
    @Query("select new net.tallynet.node.chain.BranchLink(b.previousHash, b.number, b.chainWork, b.mainChain)"
            + " from StoredBlock b where b.hash = :hash")
    Optional<BranchLink> link(@Param("hash") String hash);

    /** A block's header and work without its body (an entity load would read the whole frame). */
    @Query("select new net.tallynet.node.chain.StoredHeader(b.hash, b.previousHash, b.number, b.time, b.target, b.merkleRoot,"
            + " b.nonce, b.chainWork, b.txCount)"
            + " from StoredBlock b where b.hash = :hash")
    Optional<StoredHeader> headerOf(@Param("hash") String hash);

    /** Moves a block onto or off the best chain without loading it. */
    @Modifying
    @Query("update StoredBlock b set b.mainChain = :mainChain where b.hash = :hash")
    int markMainChain(@Param("hash") String hash, @Param("mainChain") boolean mainChain);

    /** The cumulative work of the best chain at {@code number}. */
    @Query("select b.chainWork from StoredBlock b where b.mainChain = true and b.number = :number")
    Optional<String> mainChainWorkAt(@Param("number") long number);

    /** The highest number of any stored block, on the best chain or not. */
    @Query("select max(b.number) from StoredBlock b")
    Optional<Long> highestNumber();
}
