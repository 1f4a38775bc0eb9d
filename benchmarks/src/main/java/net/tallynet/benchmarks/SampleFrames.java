package net.tallynet.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.HelloMessage;

/** Realistic messages for benchmarks, from a fixed seed so every run measures the same bytes. */
final class SampleFrames {
    private SampleFrames() {
    }

    static HelloMessage hello() {
        String genesis = Genesis.networkId("devnet");
        return new HelloMessage(HelloMessage.PROTOCOL_VERSION, genesis, 1042, hex(new Random(1), 32),
                1_764_000_000_000L, 8081, "0123456789abcdef", "tallynet/0.1.0", HelloMessage.ROLE_NODE);
    }

    /** A block of {@code count} transactions: the coinbase plus payments of 1-2 inputs and 2 outputs. */
    static Block block(int count) {
        RandomGenerator random = new Random(42);
        List<Transaction> transactions = new ArrayList<>(count);
        transactions.add(Transaction.of(List.of(TxInput.coinbase(1042)),
                List.of(new TxOutput(hex(random, 20), 5_000_000_000L))));
        for (int i = 1; i < count; i++) {
            List<TxInput> inputs = new ArrayList<>();
            int inputCount = 1 + (i % 2);
            for (int j = 0; j < inputCount; j++) {
                inputs.add(new TxInput(hex(random, 32), random.nextInt(4), "02" + hex(random, 32), hex(random, 64)));
            }
            List<TxOutput> outputs = List.of(
                    new TxOutput(hex(random, 20), 1 + random.nextLong(1_000_000_000L)),
                    new TxOutput(hex(random, 20), 1 + random.nextLong(1_000_000_000L)));
            transactions.add(Transaction.of(inputs, outputs));
        }
        return Block.of(1042, hex(random, 32), 1_764_000_000_000L, "00000fff" + "f".repeat(56), 123_456,
                transactions);
    }

    static String hex(RandomGenerator random, int bytes) {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        return Hashes.hex(data);
    }
}
