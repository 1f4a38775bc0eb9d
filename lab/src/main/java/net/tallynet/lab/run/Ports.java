package net.tallynet.lab.run;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for node processes: free now, below Linux's ephemeral range (32768 to 60999) and never handed
 * out twice, so that no connection the machine opens meanwhile takes one before its node binds it.
 */
final class Ports {
    private final Set<Integer> handedOut = new HashSet<>();

    synchronized int next() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            if (!handedOut.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (BindException taken) {
                // in use: another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
