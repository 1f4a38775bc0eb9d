package net.tallynet.tracker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.tracker.check.RawWebSocket;

/**
 * Many lightweight members in one process, for the tracker's checks: each listens on its own
 * loopback address and port and speaks just enough WebSocket (RFC 6455) to answer a HELLO with HEY
 * and its own HELLO (as a node does; its blockCount is {@link #height}). One selector thread serves
 * them all, so thousands cost a socket each and no thread. The per-port controls ({@link #mode},
 * {@link #height}, {@link #down}) are for members that all listen on 127.0.0.1.
 */
public final class FakeMembers implements AutoCloseable {
    private static final FrameCodec CODEC = new FrameCodec();

    /** What a member does when checked. */
    public enum Mode { ANSWER, SILENT }

    private final Selector selector;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final ConcurrentHashMap<Integer, Mode> modes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, ServerSocketChannel> byPort = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Long> heights = new ConcurrentHashMap<>();
    private final AtomicLong hellosAnswered = new AtomicLong();
    /** Told the index (in the constructor's list) of each member that answered a HELLO, on the selector thread. */
    private final IntConsumer answered;
    /** For wildcard listeners: which member a connection's local address and port is (null: one member a socket). */
    private final ToIntFunction<InetSocketAddress> memberAt;
    private final Thread loop;
    private volatile boolean running = true;

    /** {@code count} members on 127.0.0.1, each on a port of its own. */
    public FakeMembers(int count) throws IOException {
        this(java.util.Collections.nCopies(count, new InetSocketAddress("127.0.0.1", 0)), null, member -> { });
    }

    /**
     * Members on every loopback address at each of {@code ports}, a socket per port rather than per member
     * (a process may open only so many files, and 100,000 members would need as many sockets): each
     * listens on the wildcard address, and a connection that did not come in on a 127.x address is closed
     * unanswered, so nothing but loopback is ever served. {@code member} names the member a connection
     * reached (its local address and port) for {@code answered}.
     */
    public static FakeMembers onEveryLoopbackAddress(List<Integer> ports, ToIntFunction<InetSocketAddress> member,
                                                     IntConsumer answered) throws IOException {
        return new FakeMembers(ports.stream().map(port -> new InetSocketAddress("0.0.0.0", port)).toList(), member,
                answered);
    }

    private FakeMembers(List<InetSocketAddress> addresses, ToIntFunction<InetSocketAddress> member, IntConsumer answered)
            throws IOException {
        this.answered = answered;
        this.memberAt = member;
        selector = Selector.open();
        for (InetSocketAddress address : addresses) {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            server.bind(address, 1024);
            server.configureBlocking(false);
            servers.add(server);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            modes.put(port, Mode.ANSWER);
            byPort.put(port, server);
        }
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).register(selector, SelectionKey.OP_ACCEPT, i);
        }
        loop = Thread.ofPlatform().name("fake-members").daemon().start(this::run);
    }

    public List<Integer> ports() {
        return servers.stream().filter(ServerSocketChannel::isOpen)
                .map(s -> ((InetSocketAddress) s.socket().getLocalSocketAddress()).getPort()).toList();
    }

    /** The blockCount this member's HELLO shows from now on (1 until set). */
    public void height(int port, long blockCount) {
        heights.put(port, blockCount);
    }

    public void mode(int port, Mode mode) {
        modes.put(port, mode);
    }

    /** Stops listening on this port: checks then fail to connect. */
    public void down(int port) throws IOException {
        ServerSocketChannel server = byPort.remove(port);
        if (server != null) {
            selector.wakeup();
            server.close();
        }
    }

    public long hellosAnswered() {
        return hellosAnswered.get();
    }

    private void run() {
        while (running) {
            try {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept((ServerSocketChannel) key.channel(), (Integer) key.attachment());
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                // one broken connection must not stop the others
            }
        }
    }

    private void accept(ServerSocketChannel server, int member) throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        if (memberAt != null) {
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            if (!local.getAddress().isLoopbackAddress()) {
                channel.close();
                return;
            }
            member = memberAt.applyAsInt(local);
        }
        channel.register(selector, SelectionKey.OP_READ, new Connection(port, member));
    }

    private void read(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection connection = (Connection) key.attachment();
        try {
            if (channel.read(connection.in) < 0) {
                close(key);
                return;
            }
            connection.in.flip();
            boolean open = connection.upgraded ? frames(channel, connection) : upgrade(channel, connection);
            connection.in.compact();
            if (!open) {
                close(key);
            }
        } catch (IOException e) {
            close(key);
        }
    }

    private boolean upgrade(SocketChannel channel, Connection connection) throws IOException {
        String request = StandardCharsets.ISO_8859_1.decode(connection.in.duplicate()).toString();
        int end = request.indexOf("\r\n\r\n");
        if (end < 0) {
            return connection.in.remaining() < connection.in.capacity();
        }
        connection.in.position(connection.in.position() + end + 4);
        String key = null;
        for (String line : request.substring(0, end).split("\r\n")) {
            if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        if (key == null) {
            return false;
        }
        String accept = RawWebSocket.acceptKey(key);
        write(channel, ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        connection.upgraded = true;
        return frames(channel, connection);
    }

    /** Reads whole client frames (always masked); answers a text frame holding HELLO with HEY. */
    private boolean frames(SocketChannel channel, Connection connection) throws IOException {
        ByteBuffer in = connection.in;
        while (in.remaining() >= 2) {
            int start = in.position();
            int opcode = in.get(start) & 0x0f;
            int length = in.get(start + 1) & 0x7f;
            int header = 2;
            if (length == 126) {
                if (in.remaining() < 4) {
                    return true;
                }
                length = in.getShort(start + 2) & 0xffff;
                header = 4;
            } else if (length == 127) {
                return false; // nothing a check sends is that large
            }
            if (in.remaining() < header + 4 + length) {
                return true;
            }
            byte[] mask = new byte[4];
            in.position(start + header);
            in.get(mask);
            byte[] payload = new byte[length];
            in.get(payload);
            for (int i = 0; i < length; i++) {
                payload[i] ^= mask[i % 4];
            }
            if (opcode == 0x8) {
                return false;
            }
            if (opcode == 0x1 && new String(payload, StandardCharsets.UTF_8).startsWith("{\"HELLO\"")
                    && modes.get(connection.port) == Mode.ANSWER) {
                write(channel, textFrame("{\"HEY\":{}}"));
                String devnet = Genesis.networkId("devnet");
                write(channel, textFrame(CODEC.encode(new HelloMessage(1, devnet, heights.getOrDefault(connection.port, 1L),
                        devnet, System.currentTimeMillis(), connection.port, String.format("%016x", connection.port),
                        "fake-member/1", "node"))));
                hellosAnswered.incrementAndGet();
                answered.accept(connection.member);
            }
        }
        return true;
    }

    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int header = payload.length < 126 ? 2 : 4; // nothing sent here reaches 64 KiB
        byte[] frame = new byte[header + payload.length];
        frame[0] = (byte) 0x81;
        if (header == 2) {
            frame[1] = (byte) payload.length;
        } else {
            frame[1] = 126;
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        }
        System.arraycopy(payload, 0, frame, header, payload.length);
        return frame;
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServerSocketChannel server : servers) {
            server.close();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    private static final class Connection {
        final int port;
        final int member;
        final ByteBuffer in = ByteBuffer.allocate(8192);
        boolean upgraded;

        Connection(int port, int member) {
            this.port = port;
            this.member = member;
        }
    }
}
