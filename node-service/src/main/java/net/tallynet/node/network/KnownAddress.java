package net.tallynet.node.network;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import net.tallynet.protocol.message.AddressEntry;

/** One row of the address book: where a member listens, and how dialling it has gone. */
@Entity
@Table(name = "known_address")
public class KnownAddress {
    /** {@code host:port}, the book's key. */
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

    /** Failed dials since the last success. */
    private int failures;

    protected KnownAddress() {
    }

    KnownAddress(String host, int port, long lastSeen) {
        this.address = key(host, port);
        this.host = host;
        this.port = port;
        this.lastSeen = lastSeen;
    }

    static String key(String host, int port) {
        return host + ":" + port;
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

    long lastSeen() {
        return lastSeen;
    }

    long lastSuccess() {
        return lastSuccess;
    }

    int failures() {
        return failures;
    }

    void seen(long time) {
        lastSeen = Math.max(lastSeen, time);
    }

    void succeeded(long time) {
        lastSuccess = time;
        lastSeen = Math.max(lastSeen, time);
        failures = 0;
    }

    void failed() {
        failures++;
    }

    AddressEntry entry() {
        return new AddressEntry(host, port, lastSeen);
    }
}
