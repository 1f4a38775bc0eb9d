package net.tallynet.node.crash;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.message.BlockMessage;

/**
 * Reads a stopped node's H2 files directly and checks that the unspent outputs it keeps are exactly
 * those its stored best chain implies: every best-chain block decoded from its stored frame, in
 * order, spending and creating outputs from genesis on; and that its transaction index locates exactly
 * the best chain's transactions, each in its block at its position. Also checks the best chain is
 * numbered 0..tip without gaps and ends at the recorded tip. Run after a clean stop, which flushes
 * both to the tables; after a kill they lag, and the node's start puts back what they lack.
 */
public final class StoredChainCheck {
    private static final FrameCodec CODEC = new FrameCodec();

    /** What one stored output holds. */
    private record Output(String address, long amount, long height, boolean coinbase) {
    }

    /**
     * The best chain's height and unspent output count, after the check passed, and a digest of those
     * outputs (SHA-256 of them in order), for comparing nodes.
     */
    public record Summary(long height, int utxos, String digest) {
    }

    private StoredChainCheck() {
    }

    public static Summary verify(Path dataDir) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("node") + ";ACCESS_MODE_DATA=r", "sa", "");
             Statement sql = db.createStatement()) {
            Map<String, Output> implied = new HashMap<>();
            Map<String, String> located = new HashMap<>();
            long expected = 0;
            String last = null;
            try (ResultSet rows = sql.executeQuery("select number, hash, frame from blocks where main_chain order by number")) {
                while (rows.next()) {
                    long number = rows.getLong(1);
                    if (number != expected) {
                        throw new AssertionError("best chain has block #" + number + " where #" + expected + " was due");
                    }
                    Block block = decode(rows.getBytes(3));
                    if (!block.hash().equals(rows.getString(2)) || (last != null && !block.previousHash().equals(last))) {
                        throw new AssertionError("best chain broken at #" + number);
                    }
                    apply(block, implied);
                    for (int t = 0; t < block.transactions().size() && number > 0; t++) { // genesis is never connected
                        located.put(block.transactions().get(t).id(), block.hash() + ":" + t);
                    }
                    last = block.hash();
                    expected++;
                }
            }
            try (ResultSet tip = sql.executeQuery("select best_hash from chain_tip")) {
                if (!tip.next() || !Objects.equals(tip.getString(1), last)) {
                    throw new AssertionError("recorded tip is not the last best-chain block " + last);
                }
            }
            Map<String, Output> stored = new HashMap<>();
            try (ResultSet rows = sql.executeQuery("select tx_id, output_index, address, amount, height, coinbase from utxos")) {
                while (rows.next()) {
                    stored.put(rows.getString(1) + ":" + rows.getLong(2),
                            new Output(rows.getString(3), rows.getLong(4), rows.getLong(5), rows.getBoolean(6)));
                }
            }
            if (!stored.equals(implied)) {
                Map<String, Output> missing = new HashMap<>(implied);
                stored.keySet().forEach(missing::remove);
                Map<String, Output> extra = new HashMap<>(stored);
                implied.keySet().forEach(extra::remove);
                throw new AssertionError("stored unspent outputs differ from those the best chain implies (up to #"
                        + (expected - 1) + "): missing " + missing.size() + " " + first(missing) + ", extra " + extra.size()
                        + " " + first(extra) + ", " + (implied.size() - missing.size()) + " agree");
            }
            Map<String, String> index = new HashMap<>();
            try (ResultSet rows = sql.executeQuery("select tx_id, block_hash, position from transactions")) {
                while (rows.next()) {
                    index.put(rows.getString(1), rows.getString(2) + ":" + rows.getInt(3));
                }
            }
            if (!index.equals(located)) {
                Map<String, String> missing = new HashMap<>(located);
                missing.entrySet().removeAll(index.entrySet());
                Map<String, String> extra = new HashMap<>(index);
                extra.entrySet().removeAll(located.entrySet());
                throw new AssertionError("the transaction index differs from the best chain's transactions (up to #"
                        + (expected - 1) + "): " + missing.size() + " missing or elsewhere " + first(missing) + ", "
                        + extra.size() + " extra or elsewhere " + first(extra));
            }
            return new Summary(expected - 1, stored.size(), digest(stored));
        }
    }

    private static void apply(Block block, Map<String, Output> utxos) {
        if (block.number() == 0) {
            return; // the genesis block is never connected: its coinbase creates nothing spendable
        }
        for (int t = 0; t < block.transactions().size(); t++) {
            Transaction tx = block.transactions().get(t);
            for (TxInput input : t == 0 ? List.<TxInput>of() : tx.inputs()) { // a coinbase's input spends nothing
                if (utxos.remove(input.txId() + ":" + input.index()) == null) {
                    throw new AssertionError("block #" + block.number() + " spends " + input.txId() + ":" + input.index()
                            + ", which the chain before it never left unspent");
                }
            }
            for (int i = 0; i < tx.outputs().size(); i++) {
                utxos.put(tx.id() + ":" + i, new Output(tx.outputs().get(i).address(), tx.outputs().get(i).amount(),
                        block.number(), t == 0));
            }
        }
    }

    private static Block decode(byte[] frame) {
        if (CODEC.decode(frame) instanceof DecodeResult.Decoded(BlockMessage message)) {
            return message.block();
        }
        throw new AssertionError("a stored block frame does not decode");
    }

    private static String digest(Map<String, Output> outputs) {
        MessageDigest sha256 = Hashes.newSha256();
        new TreeMap<>(outputs).forEach((outpoint, output) -> sha256.update((outpoint + " " + output + "\n").getBytes(StandardCharsets.UTF_8)));
        return Hashes.hex(sha256.digest());
    }

    private static String first(Map<String, ?> entries) {
        return entries.entrySet().stream().findFirst().map(Object::toString).orElse("");
    }
}
