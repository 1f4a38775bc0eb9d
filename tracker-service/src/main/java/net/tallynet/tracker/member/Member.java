package net.tallynet.tracker.member;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A registered member: the address its {@code /p2p} endpoint listens on, and how its checks went.
 * Read through this entity, written in SQL: registrations in batches (RegistrationWriter), check results
 * (CheckRecorder) and status changes (MemberRepository), each setting only its own columns, so none undoes
 * another committed in between (a renewal that wrote back the whole row as it had read it once lost a check
 * round's {@code last_checked}). Should an update through the entity come back, {@code @DynamicUpdate}
 * keeps it to the columns it changed.
 */
@Entity
@DynamicUpdate
@Table(name = "members",
        uniqueConstraints = @UniqueConstraint(name = "uk_members_address", columnNames = {"host", "port"}),
        // no index by host or netgroup: the per-host and per-prefix caps count the active members in memory
        // (ActiveMembers), and every registration would pay for keeping such an index; nor by status alone:
        // this one serves every query by status, and H2 rewrites each index of a row it updates, so each
        // costs every check result written (StaleIndexes drops those a store written before still has)
        indexes = {
                // a newcomer to a table full of rows replaces the oldest inactive member
                @Index(name = "ix_members_inactive_since", columnList = "status, inactive_since")})
public class Member {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 253)
    private String host;

    @Column(nullable = false)
    private int port;

    /**
     * {@link Netgroup#of} the host, for the per-prefix cap. Nullable so ddl-auto: update adds it to
     * a table that already has rows; those get it when they register again.
     */
    @Column(length = 253)
    private String netgroup;

    @Column(name = "node_id", length = 16)
    private String nodeId;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    @Column(name = "consecutive_failures", nullable = false)
    private int consecutiveFailures;

    // the status's name in a plain VARCHAR (MemberStatus says why not an enum mapping)
    @Column(nullable = false, length = 8)
    private String status;

    @Column(name = "inactive_since")
    private Instant inactiveSince;

    // both nullable, so ddl-auto: update adds them to a table that already has rows
    /** The blockCount of the member's last HELLO (registration or check); null until one was seen. */
    @Column(name = "height")
    private Long height;

    /** When the last check of this member ended, passed or failed; null until the first. */
    @Column(name = "last_checked")
    private Instant lastChecked;

    protected Member() {
    }

    public Member(String host, int port, String nodeId, Long height, Instant now) {
        this.host = host;
        this.port = port;
        this.netgroup = Netgroup.of(host);
        this.nodeId = nodeId;
        this.height = height;
        this.firstSeen = now;
        this.lastSeen = now;
        this.status = MemberStatus.ACTIVE.name();
    }

    public Long id() {
        return id;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String netgroup() {
        return netgroup;
    }

    public String nodeId() {
        return nodeId;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public MemberStatus status() {
        return MemberStatus.valueOf(status);
    }

    public Instant inactiveSince() {
        return inactiveSince;
    }

    public Long height() {
        return height;
    }

    public Instant lastChecked() {
        return lastChecked;
    }
}
