package net.tallynet.node.partition;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One link between two node processes: a TCP relay listening on its own loopback address and
 * forwarding to one node's P2P port, which the other node is given as its seed. {@link #cut()} closes
 * the connections it carries and holds new ones (accepted, not forwarded: the dialler's WebSocket
 * handshake just waits); {@link #heal()} forwards the held ones. Holding rather than refusing keeps a
 * short cut from counting as failed dials, which the node backs off from exponentially (PeerManager).
 * It dials the node from its own address too, so the node sees the relay on both sides of the link.
 */
final class LinkRelay implements AutoCloseable {
    private final InetAddress address;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> live = new HashSet<>();
    private final List<Socket> held = new ArrayList<>();
    private boolean cut;
    private int heldCount;

    /** Listens on {@code host} (a 127/8 address) at a free port, forwarding to {@code 127.0.0.1:targetPort}. */
    LinkRelay(String host, int targetPort) throws IOException {
        this.address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("relays stay on loopback, not " + host);
        }
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, address);
        Thread.ofPlatform().daemon().name("relay-" + host).start(this::acceptLoop);
    }

    /** {@code host:port}, as a node's seed. */
    String address() {
        return address.getHostAddress() + ":" + server.getLocalPort();
    }

    String host() {
        return address.getHostAddress();
    }

    /** Connections forwarded now. */
    synchronized int connections() {
        return live.size() / 2;
    }

    /** Connections held while cut, since the start. */
    synchronized int held() {
        return heldCount;
    }

    synchronized void cut() {
        cut = true;
        live.forEach(LinkRelay::closeQuietly);
        live.clear();
    }

    void heal() {
        List<Socket> release;
        synchronized (this) {
            cut = false;
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(this::forward);
    }

    @Override
    public void close() {
        closeQuietly(server);
        synchronized (this) {
            live.forEach(LinkRelay::closeQuietly);
            held.forEach(LinkRelay::closeQuietly);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                forward(server.accept());
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Connects the dialler to the node and copies bytes both ways until either side closes; held while cut. */
    private void forward(Socket dialler) {
        if (heldWhileCut(dialler)) {
            return;
        }
        Socket node = new Socket();
        try {
            node.bind(new InetSocketAddress(address, 0));
            node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        } catch (IOException e) {
            closeQuietly(node);
            closeQuietly(dialler);
            return;
        }
        synchronized (this) {
            if (heldWhileCut(dialler)) { // cut while this connection was being made
                closeQuietly(node);
                return;
            }
            live.add(dialler);
            live.add(node);
        }
        Thread.ofVirtual().start(() -> pump(dialler, node));
        Thread.ofVirtual().start(() -> pump(node, dialler));
    }

    private synchronized boolean heldWhileCut(Socket dialler) {
        if (cut) {
            held.add(dialler);
            heldCount++;
        }
        return cut;
    }

    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException closed) {
            // either side went away, or the link was cut
        } finally {
            synchronized (this) {
                live.remove(from);
                live.remove(to);
            }
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
