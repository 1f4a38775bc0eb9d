package net.tallynet.lab.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import net.tallynet.lab.scenario.LinkShape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relay delays what it carries by its latency in each direction, holds a sender to its bandwidth,
 * keeps the bytes in order, counts them, and cuts and restores the link. Lower bounds only: a busy
 * machine may make anything slower, never faster.
 */
class LinkRelayTest {
    private ServerSocket echo;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        echo.close();
    }

    @Test
    void aRoundTripTakesTwiceTheLatencyAndTheBytesAreCounted() throws Exception {
        try (LinkRelay relay = new LinkRelay(1, 2, echo.getLocalPort(), shape(Duration.ofMillis(100), 0, 0));
             Socket socket = dial(relay)) {
            long started = System.nanoTime();
            socket.getOutputStream().write("ping".getBytes());
            byte[] back = socket.getInputStream().readNBytes(4);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(new String(back)).isEqualTo("ping");
            assertThat(millis).as("100 ms each way").isGreaterThanOrEqualTo(195);
            assertThat(relay.bytesFromTo()).isEqualTo(4);
            assertThat(relay.bytesToFrom()).isEqualTo(4);
        }
    }

    @Test
    void bandwidthHoldsTheSenderBackAndOrderIsKept() throws Exception {
        int size = 250_000;
        // 1 Mbit/s: 125,000 bytes a second, so 250 KB take 2 s one way (then about as long back)
        try (LinkRelay relay = new LinkRelay(1, 2, echo.getLocalPort(), shape(Duration.ZERO, 1_000_000 / 8, 0.05));
             Socket socket = dial(relay)) {
            byte[] sent = new byte[size];
            for (int i = 0; i < size; i++) {
                sent[i] = (byte) (i * 31);
            }
            long started = System.nanoTime();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(sent);
                } catch (IOException ignored) {
                    // the assertion below says what went wrong
                }
            });
            byte[] back = socket.getInputStream().readNBytes(size);
            writer.join();
            assertThat(back).as("in order, nothing lost, though 5% of chunks were 'lost' and resent late").isEqualTo(sent);
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1_900);
        }
    }

    @Test
    void aCutLinkClosesWhatItCarriesAndRefusesUntilRestored() throws Exception {
        try (LinkRelay relay = new LinkRelay(1, 2, echo.getLocalPort(), LinkShape.LOOPBACK)) {
            Socket before = dial(relay);
            roundTrip(before);
            relay.cut();
            assertThat(before.getInputStream().read()).as("closed by the cut").isEqualTo(-1);
            try (Socket during = dial(relay)) {
                during.getOutputStream().write(1);
                assertThat(during.getInputStream().read()).as("refused while cut").isEqualTo(-1);
            } catch (IOException refused) {
                // a reset is as good as a close
            }
            relay.restore();
            try (Socket after = dial(relay)) {
                roundTrip(after);
            }
            before.close();
        }
    }

    @Test
    void aHalfCloseArrivesAfterTheBytesBeforeIt() throws Exception {
        try (LinkRelay relay = new LinkRelay(1, 2, echo.getLocalPort(), shape(Duration.ofMillis(50), 0, 0));
             Socket socket = dial(relay)) {
            socket.getOutputStream().write("last words".getBytes());
            socket.shutdownOutput(); // the echo server sees the end only after the words, and echoes them first
            assertThat(new String(socket.getInputStream().readAllBytes())).isEqualTo("last words");
        }
    }

    private static LinkShape shape(Duration latency, long bytesPerSecond, double loss) {
        return new LinkShape(latency, Duration.ZERO, loss, bytesPerSecond);
    }

    private static Socket dial(LinkRelay relay) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void roundTrip(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(42);
        assertThat(in.read()).isEqualTo(42);
    }
}
