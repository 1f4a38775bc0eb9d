package net.tallynet.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import net.tallynet.protocol.GoldenVectors;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FrameCodecTest {
    private static final String HASH = Genesis.networkId("devnet");
    private final FrameCodec codec = new FrameCodec();

    /** ADDR is written by hand (AddrEncoding): the same bytes as Jackson's, for any entries a tracker can hold. */
    @Test
    void addrIsWrittenAsJacksonWritesIt() {
        Random random = new Random(19);
        String[] hosts = {"127.0.0.1", "10.255.0.17", "::1", "fe80::1:abcd", "2001:db8::8a2e:370:7334", "node-1.example",
                "A.B-c", "x".repeat(Limits.MAX_HOST_LENGTH)};
        for (int round = 0; round < 200; round++) {
            int size = round == 0 ? 0 : random.nextInt(Limits.MAX_ADDR_ENTRIES + 1);
            List<AddressEntry> entries = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                long lastSeen = switch (random.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> Limits.MAX_SAFE_INTEGER;
                    default -> random.nextLong(Limits.MAX_SAFE_INTEGER);
                };
                entries.add(new AddressEntry(hosts[random.nextInt(hosts.length)], 1 + random.nextInt(65535), lastSeen));
            }
            AddrMessage message = new AddrMessage(entries);
            String written = codec.encode(message);
            assertThat(written).isEqualTo("{\"ADDR\":" + codec.toJson(message) + "}");
            assertThat(((Decoded) codec.decode(written)).message()).isEqualTo(message);
        }
    }

    @Test
    void everyMessageTypeRoundTrips() {
        List<Message> messages = List.of(
                new HelloMessage(1, HASH, 1, HASH, 1_764_000_000_000L, 8081, "0123456789abcdef", "t/1", "node"),
                new HeyMessage(), new HeyMessage("0123456789abcdef"),
                new GetAddrMessage(8081), new GetAddrMessage(null),
                new AddrMessage(List.of(new AddressEntry("127.0.0.1", 8081, 5))),
                new BroadcastBlockMessage(0, HASH),
                GetBlockMessage.byHash(HASH), GetBlockMessage.byNumber(7), GetBlockMessage.transactions(List.of(HASH)),
                new GetListOfBlocksMessage(0, List.of(HASH)),
                new ListOfBlocksMessage(List.of(new BlockRef(1, HASH, HASH, HASH, 1, HASH, 0))),
                new BlockMessage(Genesis.of("devnet")),
                new PushTransactionMessage(Genesis.of("devnet").transactions()),
                new BroadcastTransactionMessage(List.of(HASH)));
        for (Message message : messages) {
            assertThat(codec.decode(codec.encode(message))).as(message.method().name())
                    .isEqualTo(new Decoded(message));
        }
    }

    @Test
    void blockWithThousandTransactionsRoundTrips() {
        Block block = blockOf(1000);
        BlockMessage message = new BlockMessage(block);
        assertThat(codec.decode(codec.encodeToBytes(message))).isEqualTo(new Decoded(message));
    }

    @Test
    void knownTransactionEncodingsAreCopiedIntoTheSameFrame() {
        Block block = blockOf(1000);
        byte[] written = codec.encodeToBytes(new BlockMessage(block));
        // every other transaction known, by instance: an equal copy of a known one is written, not looked up
        Map<Transaction, byte[]> known = new IdentityHashMap<>();
        for (int i = 0; i < block.transactions().size(); i += 2) {
            known.put(block.transactions().get(i), codec.encodeTransaction(block.transactions().get(i)));
        }
        List<Transaction> asked = new ArrayList<>();
        byte[] copied = codec.encodeToBytes(new BlockMessage(block), tx -> {
            asked.add(tx);
            return known.get(tx);
        });
        assertThat(copied).isEqualTo(written);
        assertThat(asked).hasSize(1000);
        assertThat(codec.encodeToBytes(new BlockMessage(block), known::get)).isEqualTo(written);
        // what is copied is what was given: the frame is written from the encodings, not beside them
        Transaction first = block.transactions().getFirst();
        byte[] other = codec.encodeTransaction(block.transactions().get(1));
        assertThat(new String(codec.encodeToBytes(new BlockMessage(block), tx -> tx == first ? other : null),
                StandardCharsets.UTF_8)).startsWith(new String(written, StandardCharsets.UTF_8)
                .substring(0, new String(written, StandardCharsets.UTF_8).indexOf("{\"id\""))
                + new String(other, StandardCharsets.UTF_8) + ",");
        // a transaction's own encoding is what a frame carries
        assertThat(new String(written, StandardCharsets.UTF_8))
                .contains(new String(codec.encodeTransaction(first), StandardCharsets.UTF_8));
    }

    @Test
    void listsAtTheirMaximumRoundTrip() {
        List<Message> messages = List.of(
                new AddrMessage(Collections.nCopies(Limits.MAX_ADDR_ENTRIES, new AddressEntry("127.0.0.1", 1, 0))),
                new GetListOfBlocksMessage(1, Collections.nCopies(Limits.MAX_LOCATOR_HASHES, HASH)),
                new ListOfBlocksMessage(Collections.nCopies(Limits.MAX_LIST_OF_BLOCKS, new BlockRef(1, HASH, HASH, HASH, 1, HASH, 0))),
                GetBlockMessage.transactions(Collections.nCopies(Limits.MAX_REQUESTED_TRANSACTIONS, HASH)),
                new BroadcastTransactionMessage(Collections.nCopies(Limits.MAX_ANNOUNCED_TRANSACTIONS, HASH)),
                new PushTransactionMessage(blockOf(Limits.MAX_PUSHED_TRANSACTIONS).transactions()));
        for (Message message : messages) {
            assertThat(codec.decode(codec.encode(message))).as(message.method().name())
                    .isEqualTo(new Decoded(message));
        }
    }

    @Test
    void frameOneByteOverTheLimitIsRefusedBeforeParsing() {
        String frame = "{\"HEY\":{}}";
        FrameCodec exact = new FrameCodec(FrameLimits.DEFAULT.withMaxFrameBytes(64));
        String padded = "{\"HEY\":{\"p\":\"" + "x".repeat(64 - 16) + "\"}}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThat(exact.decode(padded)).isInstanceOf(Decoded.class);
        assertThat(exact.decode(padded.replace("\"p\"", "\"pp\"")))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.FRAME_TOO_LARGE));
        assertThat(exact.decode(frame)).isInstanceOf(Decoded.class);
    }

    @Test
    void truncationsAndByteFlipsOfEveryVectorNeverThrow() {
        Random random = new Random(20261124);
        int decoded = 0;
        int rejected = 0;
        for (var file : GoldenVectors.files("methods")) {
            for (JsonNode vector : GoldenVectors.read(file).get("cases")) {
                byte[] frame = vector.get("frame").asString().getBytes(StandardCharsets.UTF_8);
                List<byte[]> variants = new ArrayList<>();
                IntStream.range(0, Math.min(frame.length, 200)).forEach(cut -> variants.add(
                        java.util.Arrays.copyOf(frame, cut * frame.length / Math.min(frame.length, 200))));
                for (int i = 0; i < 50; i++) {
                    byte[] flipped = frame.clone();
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                    variants.add(flipped);
                }
                for (byte[] variant : variants) {
                    DecodeResult result = codec.decode(variant);
                    assertThat(result).isNotNull();
                    if (result instanceof Rejected r) {
                        assertThat(r.detail()).isNotBlank();
                        rejected++;
                    } else {
                        decoded++;
                    }
                }
            }
        }
        assertThat(rejected).isGreaterThan(1000);
        assertThat(decoded).isPositive();
    }

    @Test
    void rejectionDetailNeverEchoesLongPeerText() {
        String frame = "{\"" + "X".repeat(200) + "\":{}}";
        assertThat(codec.decode(frame)).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_METHOD);
            assertThat(r.detail()).hasSizeLessThan(80);
        });
    }

    private static Block blockOf(int count) {
        Random random = new Random(1);
        List<Transaction> transactions = new ArrayList<>();
        transactions.add(Transaction.of(List.of(TxInput.coinbase(1)), List.of(new TxOutput(hex(random, 20), 50))));
        for (int i = 1; i < count; i++) {
            transactions.add(Transaction.of(
                    List.of(new TxInput(hex(random, 32), i % 3, "02" + hex(random, 32), hex(random, 64))),
                    List.of(new TxOutput(hex(random, 20), i), new TxOutput(hex(random, 20), 1))));
        }
        return Block.of(1, HASH, 1_764_000_000_000L, "0f".repeat(32), 0, transactions);
    }

    private static String hex(Random random, int bytes) {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        return net.tallynet.protocol.crypto.Hashes.hex(data);
    }
}
