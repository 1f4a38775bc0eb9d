package net.tallynet.node.network.flood;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import net.tallynet.node.RawPeer;

/**
 * One flooding peer: connects from its own 127.x address, completes the handshake and then keeps
 * doing its {@link FloodKind} until the flood ends. When the node drops it, it reconnects; when its
 * address is banned (403), it takes a new one, as an attacker with many addresses would.
 */
final class Flooder implements Runnable {
    /** Paced flooders stay under the node's 200 messages a second per connection. */
    private static final long PACED_INTERVAL_NANOS = 1_000_000_000L / 150;
    /**
     * Unpaced ones send 1,000 a second, past the burst of 400 within half a second. Not more: they share
     * the node's 2 cores here, and (reading nothing) they go on writing into a connection the node has
     * already closed until Tomcat gives up on it, which would measure the flooders' CPU, not the node.
     */
    private static final long UNPACED_INTERVAL_NANOS = 1_000_000_000L / 1000;

    private final int port;
    private final FloodKind kind;
    private final boolean paced;
    private final FloodFrames frames;
    private final FloodAddresses addresses;
    private final FloodCounters counters;
    private final BooleanSupplier flooding;

    Flooder(int port, FloodKind kind, boolean paced, FloodFrames frames, FloodAddresses addresses,
            FloodCounters counters, BooleanSupplier flooding) {
        this.port = port;
        this.kind = kind;
        this.paced = paced;
        this.frames = frames;
        this.addresses = addresses;
        this.counters = counters;
        this.flooding = flooding;
    }

    @Override
    public void run() {
        String host = addresses.next();
        int connection = 0;
        while (flooding.getAsBoolean()) {
            RawPeer peer;
            try {
                peer = RawPeer.handshaken(port, host, nodeId());
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                if (message.contains(" 403")) {
                    counters.refusedBanned.increment();
                    host = addresses.next();
                } else if (message.contains(" 503")) {
                    counters.refusedFull.increment();
                    pause(Duration.ofMillis(250));
                } else {
                    counters.failed.increment();
                    pause(Duration.ofMillis(50));
                }
                continue;
            }
            counters.connections.increment();
            try (peer) {
                flood(peer, connection++);
            } catch (IOException e) {
                if (flooding.getAsBoolean()) {
                    counters.dropped.increment();
                }
            }
        }
    }

    private void flood(RawPeer peer, int connection) throws IOException {
        AtomicBoolean open = new AtomicBoolean(true);
        if (paced) {
            Thread.ofVirtual().start(() -> read(peer, open));
        }
        if (kind == FloodKind.GARBAGE && connection % 5 == 0) {
            send(peer, frames.oversized());
        }
        long next = System.nanoTime();
        for (int n = 0; flooding.getAsBoolean() && open.get(); n++) {
            String frame = frames.frame(kind, paced, n);
            if (frame == null) {
                pause(Duration.ofMillis(100)); // IDLE: only the reader (answering pings) has work
                continue;
            }
            send(peer, frame);
            next += paced ? PACED_INTERVAL_NANOS : UNPACED_INTERVAL_NANOS;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        if (!open.get() && flooding.getAsBoolean()) {
            throw new IOException("closed by the node");
        }
    }

    private void send(RawPeer peer, String frame) throws IOException {
        peer.sendText(frame);
        counters.frames.get(kind).increment();
        counters.bytesSent.add(frame.length()); // frames are ASCII: characters are bytes
    }

    /** Drains what the node sends and answers its pings, as a well-behaved reader would. */
    private void read(RawPeer peer, AtomicBoolean open) {
        try {
            while (open.get()) {
                RawPeer.Frame frame = peer.next(Duration.ofSeconds(5));
                if (frame == null) {
                    continue;
                }
                counters.bytesReceived.add(frame.payload().length);
                if (frame.opcode() == 9) {
                    peer.sendFrame(10, frame.payload());
                } else if (frame.opcode() == 8) {
                    open.set(false);
                }
            }
        } catch (IOException e) {
            open.set(false);
        }
    }

    private static String nodeId() {
        byte[] id = new byte[8];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static void pause(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }
}
