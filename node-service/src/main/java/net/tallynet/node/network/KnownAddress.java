package net.tallynet.node.network;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.net.Inet6Address;
import net.tallynet.protocol.message.AddressEntry;
import org.springframework.data.domain.Persistable;

/**
 * One row of the address book: where a member listens, who told us about it, which table it is in
 * ({@link AddressTables}) and how dialling it has gone.
 */
@Entity
@Table(name = "known_address")
public class KnownAddress implements Persistable<String> {
    /** {@code host:port}, the book's key (an IPv6 host in the JDK's one spelling). */
    @Id
    @Column(length = 260)
    private String address;

    @Column(nullable = false, length = 253)
    private String host;

    private int port;

    /** When the member was last reported alive (Unix ms), by anyone. */
    @Column(name = "last_seen")
    private long lastSeen;

    /** When we last completed a handshake with it (Unix ms); 0 = never. */
    @Column(name = "last_success")
    private long lastSuccess;

    /** Dials since the last completed handshake. */
    private int failures;

    /** In the tried table (a handshake completed), else in new. The default lets an older book load. */
    @Column(columnDefinition = "boolean default false not null")
    private boolean tried;

    /** The netgroup of the peer or tracker that first told us about it: where in new it may sit. */
    @Column(name = "source_group", length = 260)
    private String sourceGroup;

    /** Copies in the new table (not stored: placing the rows again at start counts them). */
    @Transient
    private int references;

    /** When we last began a dial (Unix ms; this run only). */
    @Transient
    private long lastTry;

    /** When a dial or its handshake last failed (Unix ms; this run only). */
    @Transient
    private long lastFailure;

    @Transient
    private String netgroup;

    @Transient
    private boolean stored;

    protected KnownAddress() {
    }

    KnownAddress(String host, int port, long lastSeen, String sourceGroup) {
        this.address = key(host, port);
        this.host = host;
        this.port = port;
        this.lastSeen = lastSeen;
        this.sourceGroup = sourceGroup;
    }

    /** The key of {@code host:port}; an IPv6 literal is spelled one way, as the JDK prints a connected peer's address. */
    static String key(String host, int port) {
        String canonical = host;
        if (host.indexOf(':') >= 0) {
            try {
                canonical = Inet6Address.ofLiteral(host).getHostAddress();
            } catch (IllegalArgumentException e) {
                canonical = host;
            }
        }
        return canonical + ":" + port;
    }

    @Override
    public String getId() {
        return address;
    }

    /** Saving a new row inserts it without reading first (security review item 31). */
    @Override
    public boolean isNew() {
        return !stored;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        stored = true;
    }

    String address() {
        return address;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String netgroup() {
        if (netgroup == null) {
            netgroup = AddressTables.netgroup(host);
        }
        return netgroup;
    }

    String sourceGroup() {
        return sourceGroup != null ? sourceGroup : netgroup();
    }

    boolean tried() {
        return tried;
    }

    void tried(boolean tried) {
        this.tried = tried;
    }

    int references() {
        return references;
    }

    void referenced(int delta) {
        references += delta;
    }

    long lastSeen() {
        return lastSeen;
    }

    long lastSuccess() {
        return lastSuccess;
    }

    long lastTry() {
        return lastTry;
    }

    long lastFailure() {
        return lastFailure;
    }

    int failures() {
        return failures;
    }

    void seen(long time) {
        lastSeen = Math.max(lastSeen, time);
    }

    void attempted(long time) {
        lastTry = time;
        failures++;
    }

    void failedAt(long time) {
        lastFailure = time;
    }

    void succeeded(long time) {
        lastSuccess = time;
        lastSeen = Math.max(lastSeen, time);
        failures = 0;
    }

    AddressEntry entry() {
        return new AddressEntry(host, port, lastSeen);
    }
}
