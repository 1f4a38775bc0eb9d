package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bash HTTP client the devnet, the start-up cache training and the benchmarks use ({@code http_get} and
 * {@code http_post} in scripts/service-jvm.sh), against small servers of this test that answer only a whole request
 * (headers to their blank line, then the body's Content-Length), as Tomcat does: a body comes back whole, a status
 * other than 200 fails, and a server that accepts and never answers fails after {@code HTTP_ANSWER_TIMEOUT} instead
 * of holding its caller until the caller's own deadline.
 */
class ScriptHttpTest {
    private final List<ServerSocket> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws IOException {
        for (ServerSocket server : servers) {
            server.close();
        }
    }

    @Test
    void aBodyComesBackWholeAndOtherStatusesFail() throws Exception {
        int ok = serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"height\":7}\n{\"last\":true}");
        Result got = bash("HTTP_ANSWER_TIMEOUT=10 http_get " + ok + " /api/chain");
        assertThat(got.exit()).isZero();
        assertThat(got.output()).isEqualTo("{\"height\":7}\n{\"last\":true}\n");
        assertThat(bash("HTTP_ANSWER_TIMEOUT=10 http_post " + ok + " /api/blocks/generate token '{\"count\":1}'").exit()).isZero();

        int refused = serve("HTTP/1.1 401 Unauthorized\r\n\r\nno token");
        assertThat(bash("http_get " + refused + " /api/chain").exit()).isNotZero();
        assertThat(bash("http_post " + refused + " /api/payments token '{}'").exit()).isNotZero();
    }

    @Test
    void aServerThatNeverAnswersFailsAfterTheTimeout() throws Exception {
        int silent = serve(null);
        long started = System.nanoTime();
        Result got = bash("HTTP_ANSWER_TIMEOUT=1 http_get " + silent + " /actuator/health");
        assertThat(got.exit()).isNotZero();
        // bounded by the timeout, not by the server: it never closes (the bound is loose, never a timing claim)
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
    }

    /** A server on 127.0.0.1 that answers each request with {@code answer} and closes, or (null) never answers. */
    private int serve(String answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            List<Socket> held = new ArrayList<>();
            try (server) {
                while (true) {
                    Socket client = server.accept();
                    InputStream in = client.getInputStream();
                    if (!wholeRequest(in)) {
                        client.close(); // as a server would answer nothing to half a request
                        continue;
                    }
                    if (answer == null) {
                        held.add(client); // open and silent until the test ends
                    } else {
                        try (client) {
                            client.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                            // the end of the answer, then the rest of the request read before closing: a socket closed
                            // with unread bytes resets the connection, and the client may lose the answer with it
                            client.shutdownOutput();
                            in.transferTo(OutputStream.nullOutputStream());
                        }
                    }
                }
            } catch (IOException closed) {
                // the test closed the server
            } finally {
                for (Socket client : held) {
                    try {
                        client.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        });
        return server.getLocalPort();
    }

    /**
     * Reads one request as a server does, to the end of its headers and then its Content-Length: a request
     * cut short (its last line's newline lost, say) leaves a real server waiting, so this one does not answer it.
     */
    private static boolean wholeRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return in.readNBytes(length).length == length;
    }

    private record Result(int exit, String output) {
    }

    private static Result bash(String command) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", "source scripts/service-jvm.sh && " + command)
                .directory(Project.ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
