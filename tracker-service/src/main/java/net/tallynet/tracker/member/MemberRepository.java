package net.tallynet.tracker.member;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface MemberRepository extends JpaRepository<Member, Long> {

    Optional<Member> findByHostAndPort(String host, int port);

    long countByStatus(String status);

    long countByStatusAndHost(String status, String host);

    /** The highest blockCount an active member showed; null when none has shown one. */
    @Query("select max(m.height) from Member m where m.status = 'ACTIVE'")
    Long bestActiveHeight();

    List<Member> findByStatusOrderByIdAsc(String status, Pageable page);

    List<Member> findAllByOrderByIdAsc(Pageable page);

    /** Addresses to check: a projection, so a round over many members loads only what it dials. */
    @Query("select new net.tallynet.tracker.member.MemberAddress(m.id, m.host, m.port) from Member m "
            + "where m.status = 'ACTIVE'")
    List<MemberAddress> activeAddresses();

    /** Everything the ADDR index needs about the active members. */
    @Query("select new net.tallynet.tracker.member.ActiveMembers$ActiveMember(m.host, m.port, m.lastSeen) "
            + "from Member m where m.status = 'ACTIVE'")
    List<ActiveMembers.ActiveMember> activeMembers();

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Transactional
    @Query("update Member m set m.consecutiveFailures = 0, m.lastSeen = :now where m.id in :ids")
    int recordSuccess(@Param("ids") Collection<Long> ids, @Param("now") Instant now);

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Transactional
    @Query("update Member m set m.consecutiveFailures = m.consecutiveFailures + 1 where m.id in :ids")
    int recordFailure(@Param("ids") Collection<Long> ids);

    /** The active members {@link #deactivateFailing} would make inactive now. */
    @Query("select new net.tallynet.tracker.member.MemberAddress(m.id, m.host, m.port) from Member m "
            + "where m.status = 'ACTIVE' and m.consecutiveFailures >= :maxFailures")
    List<MemberAddress> failingActive(@Param("maxFailures") int maxFailures);

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Transactional
    @Query("update Member m set m.status = 'INACTIVE', m.inactiveSince = :now "
            + "where m.status = 'ACTIVE' and m.consecutiveFailures >= :maxFailures")
    int deactivateFailing(@Param("maxFailures") int maxFailures, @Param("now") Instant now);

    /**
     * What a check round's end does to the table: makes the members that failed {@code maxFailures} checks in a row
     * inactive, and returns them (for the index). The caller holds the transaction that keeps the two together.
     */
    default List<MemberAddress> deactivateFailingMembers(int maxFailures, Instant now) {
        List<MemberAddress> failing = failingActive(maxFailures);
        deactivateFailing(maxFailures, now);
        return failing;
    }

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Transactional
    @Query("delete from Member m where m.status = 'INACTIVE' "
            + "and m.inactiveSince < :cutoff")
    int deleteInactiveSince(@Param("cutoff") Instant cutoff);
}
