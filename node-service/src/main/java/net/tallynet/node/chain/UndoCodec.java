package net.tallynet.node.chain;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Utxo;

/**
 * A block's undo data as bytes ({@link BlockUndo}): a version byte, the count, then per spent output its
 * transaction id (32 bytes), output index, address (20 bytes), amount, height and coinbase flag, 73 bytes in
 * all. Only this node reads what it wrote; a value that does not decode is a damaged store, said as such.
 */
final class UndoCodec {
    private static final int VERSION = 1;
    private static final int ENTRY_BYTES = 32 + 4 + 20 + 8 + 8 + 1;

    private UndoCodec() {
    }

    /** Into one buffer, not through a stream: a block of 1,000 payments is 6,000 small writes otherwise. */
    static byte[] encode(List<Utxo> spent) {
        ByteBuffer out = ByteBuffer.allocate(5 + spent.size() * ENTRY_BYTES); // big-endian, as DataOutput wrote it
        out.put((byte) VERSION).putInt(spent.size());
        for (Utxo utxo : spent) {
            out.put(Hashes.fromHex(utxo.txId()))
                    .putInt((int) utxo.index()) // at most 2^32 - 1 (Limits.MAX_TX_INDEX): unsigned
                    .put(Hashes.fromHex(utxo.address()))
                    .putLong(utxo.amount())
                    .putLong(utxo.height())
                    .put((byte) (utxo.coinbase() ? 1 : 0));
        }
        return out.array();
    }

    static List<Utxo> decode(String blockHash, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int version = in.readUnsignedByte();
            int count = in.readInt();
            if (version != VERSION || count < 0 || (long) count * ENTRY_BYTES != value.length - 5L) {
                throw new IllegalStateException("the undo data of block " + blockHash + " is damaged (version "
                        + version + ", " + count + " entries in " + value.length + " bytes)");
            }
            List<Utxo> spent = new ArrayList<>(count);
            byte[] txId = new byte[32];
            byte[] address = new byte[20];
            for (int i = 0; i < count; i++) {
                in.readFully(txId);
                long index = Integer.toUnsignedLong(in.readInt());
                in.readFully(address);
                spent.add(new Utxo(Hashes.hex(txId), index, Hashes.hex(address), in.readLong(), in.readLong(),
                        in.readBoolean()));
            }
            return spent;
        } catch (IOException e) {
            throw new IllegalStateException("the undo data of block " + blockHash + " is damaged", e);
        }
    }
}
