package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The per-connection rate limit counts bytes as well as messages (security review item 26): with a
 * burst of 64 KiB refilled at 1 KiB/s, three ADDR frames of about 18 KB are processed, the next two
 * are rejected as {@code byte_rate_limited}, charged and never acted on.
 */
class ByteRateLimitTest {
    @TempDir
    Path dir;

    @Test
    void framesBeyondTheByteBudgetAreRejectedChargedAndNotProcessed() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.peers.max-frame-bytes=65536", "--tallynet.peers.byte-burst=65536",
                    "--tallynet.peers.bytes-per-second=1024");
            node.getBean(Miner.class).generate(1, null);
            String tip = TestNetwork.chain(node).tip().hash();
            AddressBook book = node.getBean(AddressBook.class);
            int known = book.size();
            List<AddrMessage> frames = new ArrayList<>();
            for (int f = 0; f < 5; f++) {
                List<AddressEntry> entries = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    // spread over netgroups: one netgroup from one source would all go to one bucket of the book
                    entries.add(new AddressEntry("127." + (i % 250) + "." + f + "." + (i / 250 + 1), 10_000 + f * 1000 + i,
                            1_764_000_000_000L));
                }
                frames.add(new AddrMessage(entries));
            }
            int size = new FrameCodec().encodeToBytes(frames.getFirst()).length;
            assertThat(size).as("three frames fit the burst, four do not").isBetween(65536 / 4 + 1, 65536 / 3 - 400);
            try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.61", "0000000000000061")) {
                for (AddrMessage frame : frames) {
                    peer.send(frame);
                }
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(count(node, "tallynet.frames.rejected", "reason", "byte_rate_limited")).isEqualTo(2));
                assertThat(node.getBean(PeerRegistry.class).established()).singleElement()
                        .satisfies(session -> assertThat(session.misbehaviour()).isEqualTo(20));
            }
            // the three processed frames were learned (as far as one source's share of the book allows); had the
            // two rejected ones been processed too, their 600 addresses would have passed the 1000-address burst
            assertThat(book.size() - known).isBetween(300, 900);
            assertThat(count(node, "tallynet.addresses.dropped", "reason", "rate_limited")).isZero();
            assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tip);
        }
    }
}
