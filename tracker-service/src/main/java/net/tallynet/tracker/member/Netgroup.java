package net.tallynet.tracker.member;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The network a host belongs to, for the per-prefix cap: addresses an attacker can hold many of
 * (one IPv4 /16, one IPv6 /32: what one provider or one cloud region hands out) share one group.
 */
final class Netgroup {
    private Netgroup() {
    }

    /** "a.b/16" for IPv4 (127.a.b.c lands in 127.a), "xxxx:xxxx/32" for IPv6, a host name as itself. */
    static String of(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress address;
        try {
            // a literal only: resolving a name here would let any registration make the tracker ask DNS
            address = InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException notLiteral) {
            return host.toLowerCase(Locale.ROOT);
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "/16";
        }
        HexFormat hex = HexFormat.of();
        return hex.formatHex(bytes, 0, 2) + ":" + hex.formatHex(bytes, 2, 4) + "/32";
    }
}
