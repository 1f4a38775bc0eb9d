package net.tallynet.node.network.flood;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local source addresses for flooding peers, each used by one peer until the node bans it: bans and
 * misbehaviour points are per IP address, so a flooder that wants back in needs a new one. Loopback
 * accepts any 127/8 source on Linux; these start at 127.1.0.1, clear of 127.0.0.x (the honest peers).
 */
final class FloodAddresses {
    private final AtomicInteger next = new AtomicInteger();

    String next() {
        int n = next.getAndIncrement();
        // 254 usable last octets (no .0, no .255) per /24, 256 /24s per 127.x
        int host = n % 254 + 1;
        int subnet = n / 254;
        return "127." + (1 + subnet / 256) + "." + (subnet % 256) + "." + host;
    }

    int used() {
        return next.get();
    }
}
