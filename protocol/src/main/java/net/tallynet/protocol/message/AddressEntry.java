package net.tallynet.protocol.message;

import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;

/** One member address in ADDR: where its {@code /p2p} endpoint listens, and when it was last seen. */
public record AddressEntry(String host, int port, long lastSeen) {

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
        Check.range("port", port, 1, 65535);
        Check.range("lastSeen", lastSeen, 0, Limits.MAX_SAFE_INTEGER);
    }
}
