package net.tallynet.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the services a test starts: {@code count} consecutive P2P ports with their API ports
 * ({@link LocalService#api(int)}) free too. They are taken below the kernel's ephemeral range (32768 and up
 * on Linux), because a port the kernel handed out for a moment is just as likely to be handed out again as
 * the local port of some process's outgoing connection (a started node's, the browser's) before the service
 * that was meant to bind it starts: node2 of a dashboard run once failed to start so. A port handed out
 * earlier in this JVM is never handed out again, so two picks made before anything binds cannot collide.
 */
final class FreePorts {
    private static final int LOW = 18000;
    private static final int HIGH = 31000; // + API offset stays below 32768
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** One free P2P port whose API port is free too. */
    static int one() throws IOException {
        return run(1);
    }

    /** The first of {@code count} consecutive free P2P ports, whose API ports are all free too. */
    static synchronized int run(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOW, HIGH - count);
            if (usable(base, count) && usable(LocalService.api(base), count)) {
                for (int i = 0; i < count; i++) {
                    GIVEN.add(base + i);
                    GIVEN.add(LocalService.api(base + i));
                }
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports between " + LOW + " and " + HIGH
                + " with their API ports free");
    }

    private static boolean usable(int base, int count) {
        for (int port = base; port < base + count; port++) {
            if (GIVEN.contains(port) || !free(port)) {
                return false;
            }
        }
        return true;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
