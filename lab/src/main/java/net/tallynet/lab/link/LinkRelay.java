package net.tallynet.lab.link;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.lab.scenario.LinkShape;

/**
 * One link of the lab's network: a TCP relay on 127.0.0.1 that node {@code from} dials (it is one of
 * its seeds) and that forwards to node {@code to}'s P2P port, shaping both directions
 * ({@link ShapedPipe}). Cutting it closes what it carries and refuses new connections until it is
 * restored: a partition as the nodes see one.
 *
 * <p>Why a relay and not tc-netem in network namespaces: it needs no root and no kernel modules (a
 * student's laptop, CI, a container), shapes each link on its own though every node is on loopback,
 * and counts the bytes of every link; what it cannot do is drop single packets (see ShapedPipe).
 */
public final class LinkRelay implements Closeable {
    private final int from;
    private final int to;
    private final LinkShape shape;
    private final ServerSocket server;
    private final AtomicLong fromTo = new AtomicLong();
    private final AtomicLong toFrom = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final int targetPort;
    private volatile boolean cut;
    private volatile boolean closed;

    public LinkRelay(int from, int to, int targetPort, LinkShape shape) throws IOException {
        this.from = from;
        this.to = to;
        this.targetPort = targetPort;
        this.shape = shape;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        Thread.ofVirtual().name("relay-" + from + "-" + to).start(this::accept);
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** The port node {@code from} dials. */
    public int port() {
        return server.getLocalPort();
    }

    /** Bytes delivered from {@code from} to {@code to} so far. */
    public long bytesFromTo() {
        return fromTo.get();
    }

    /** Bytes delivered from {@code to} to {@code from} so far. */
    public long bytesToFrom() {
        return toFrom.get();
    }

    /** Closes what the link carries and refuses new connections. */
    public void cut() {
        cut = true;
        closeOpen();
    }

    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                quietly(client);
                continue;
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
        } catch (IOException e) {
            quietly(client);
            quietly(target);
            return;
        }
        open.add(client);
        open.add(target);
        AtomicInteger directionsDone = new AtomicInteger();
        ShapedPipe[] pipes = new ShapedPipe[2];
        Runnable end = () -> {
            quietly(client);
            quietly(target);
            open.remove(client);
            open.remove(target);
            for (ShapedPipe pipe : pipes) {
                pipe.abort();
            }
        };
        // each direction may end on its own (a half-close); the connection ends when both have, or one fails
        Runnable done = () -> {
            if (directionsDone.incrementAndGet() == 2) {
                end.run();
            }
        };
        String name = "relay-" + from + "-" + to;
        pipes[0] = new ShapedPipe(client, target, shape, fromTo, done, end);
        pipes[1] = new ShapedPipe(target, client, shape, toFrom, done, end);
        pipes[0].start(name + "-out");
        pipes[1].start(name + "-back");
        if (cut) {
            end.run(); // cut while connecting
        }
    }

    private void closeOpen() {
        for (Socket socket : open) {
            quietly(socket);
        }
        open.clear();
    }

    @Override
    public void close() {
        closed = true;
        quietly(server);
        closeOpen();
    }

    private static void quietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
