package net.tallynet.protocol.message;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.regex.Pattern;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;

/** One member address in ADDR: where its {@code /p2p} endpoint listens, and when it was last seen. */
public record AddressEntry(String host, int port, long lastSeen) {
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public AddressEntry {
        Check.text("host", host, 1, Limits.MAX_HOST_LENGTH);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            // host names, IPv4 and IPv6 literals only: nothing that could smuggle a path or URL into a dial
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':';
            if (!allowed) {
                throw new InvalidMessageException(RejectReason.OUT_OF_RANGE,
                        "host may hold only letters, digits, '.', '-' and ':'");
            }
        }
        // a ':' makes the host an IPv6 literal, and nothing else: "a:b" would break the dialler's URI
        if (host.indexOf(':') >= 0 && !isIpv6Literal(host)) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "host with ':' is not an IPv6 literal");
        }
        Check.range("port", port, 1, 65535);
        Check.range("lastSeen", lastSeen, 0, Limits.MAX_SAFE_INTEGER);
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal, checked without any name lookup. Only these are dialled
     * when learned from peers: a DNS name from a peer could point the node at anything (metadata
     * services, cluster-internal names), so names are taken from configuration only.
     */
    public boolean isIpLiteral() {
        if (host.indexOf(':') >= 0) {
            return isIpv6Literal(host);
        }
        if (!DOTTED_QUAD.matcher(host).matches()) {
            return false;
        }
        try {
            Inet4Address.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isIpv6Literal(String host) {
        try {
            Inet6Address.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
