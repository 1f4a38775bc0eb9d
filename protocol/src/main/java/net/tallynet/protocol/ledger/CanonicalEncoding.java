package net.tallynet.protocol.ledger;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Hashes;

/**
 * The binary encodings that ids and signatures are computed over (PROTOCOL.md, "Canonical
 * encoding"). JSON text has many spellings of one value, so nothing is ever hashed from JSON.
 * Integers are big-endian and fixed width; hashes and addresses are their raw bytes in hex order.
 */
public final class CanonicalEncoding {
    /** Length of the encoded block header. */
    public static final int HEADER_BYTES = 8 + 32 + 32 + 8 + 32 + 8;

    private CanonicalEncoding() {
    }

    /** number u64 | previousHash 32 | merkleRoot 32 | time u64 | target 32 | nonce u64. */
    public static byte[] header(long number, String previousHash, String merkleRoot, long time, String target,
                                long nonce) {
        Writer out = new Writer(HEADER_BYTES);
        out.u64(number);
        out.bytes(Hashes.fromHex(previousHash));
        out.bytes(Hashes.fromHex(merkleRoot));
        out.u64(time);
        out.bytes(Hashes.fromHex(target));
        out.u64(nonce);
        return out.toByteArray();
    }

    public static byte[] header(Block block) {
        return header(block.number(), block.previousHash(), block.merkleRoot(), block.time(), block.target(),
                block.nonce());
    }

    public static String blockHash(long number, String previousHash, String merkleRoot, long time, String target,
                                   long nonce) {
        return Hashes.hex(Hashes.sha256d(header(number, previousHash, merkleRoot, time, target, nonce)));
    }

    public static String blockHash(Block block) {
        return Hashes.hex(Hashes.sha256d(header(block)));
    }

    /**
     * u32 input count | per input: txId 32, index u32, u8 key length, key, u8 signature length,
     * signature | u32 output count | per output: amount u64, address 20. With {@code withSignatures}
     * false every signature is encoded as length 0: that form is what signatures sign.
     */
    public static byte[] transaction(List<TxInput> inputs, List<TxOutput> outputs, boolean withSignatures) {
        Writer out = new Writer(16 + inputs.size() * 180 + outputs.size() * 28);
        out.u32(inputs.size());
        for (TxInput input : inputs) {
            out.bytes(Hashes.fromHex(input.txId()));
            out.u32(input.index());
            out.shortBytes(Hashes.fromHex(input.publicKey()));
            out.shortBytes(withSignatures ? Hashes.fromHex(input.signature()) : new byte[0]);
        }
        out.u32(outputs.size());
        for (TxOutput output : outputs) {
            out.u64(output.amount());
            out.bytes(Hashes.fromHex(output.address()));
        }
        return out.toByteArray();
    }

    public static byte[] transaction(Transaction tx, boolean withSignatures) {
        return transaction(tx.inputs(), tx.outputs(), withSignatures);
    }

    /** A transaction's id: double SHA-256 of its full encoding, signatures included. */
    public static String transactionId(List<TxInput> inputs, List<TxOutput> outputs) {
        return transactionId(transaction(inputs, outputs, true));
    }

    /** The id of a transaction from its full encoding ({@link #transaction}, signatures included). */
    public static String transactionId(byte[] encodedWithSignatures) {
        return Hashes.hex(Hashes.sha256d(encodedWithSignatures));
    }

    public static String transactionId(Transaction tx) {
        return transactionId(tx.inputs(), tx.outputs());
    }

    /**
     * Bitcoin's merkle tree over the raw 32-byte ids: each level hashes adjacent pairs with double
     * SHA-256, pairing the last entry with itself when a level is odd. One id is its own root.
     * (Duplicate ids in one block are a validation error, which closes the odd-level ambiguity.)
     */
    public static String merkleRoot(List<String> transactionIds) {
        if (transactionIds.isEmpty()) {
            throw new IllegalArgumentException("a block has at least one transaction");
        }
        List<byte[]> level = new ArrayList<>(transactionIds.size());
        for (String id : transactionIds) {
            level.add(Hashes.fromHex(id));
        }
        byte[] pair = new byte[64];
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                byte[] left = level.get(i);
                byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
                System.arraycopy(left, 0, pair, 0, 32);
                System.arraycopy(right, 0, pair, 32, 32);
                next.add(Hashes.sha256d(pair));
            }
            level = next;
        }
        return Hashes.hex(level.getFirst());
    }

    /** The merkle root of these transactions' ids, in order: what a block's header must carry. */
    public static String merkleRootOf(List<Transaction> transactions) {
        return merkleRoot(transactions.stream().map(Transaction::id).toList());
    }

    /** A growable big-endian writer; small enough not to need a library. */
    private static final class Writer extends ByteArrayOutputStream {
        Writer(int size) {
            super(size);
        }

        void u64(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                write((int) (value >>> shift));
            }
        }

        void u32(long value) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                write((int) (value >>> shift));
            }
        }

        void bytes(byte[] data) {
            write(data, 0, data.length);
        }

        void shortBytes(byte[] data) {
            write(data.length);
            bytes(data);
        }
    }
}
