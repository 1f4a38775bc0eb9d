package net.tallynet.node.chain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.tallynet.protocol.ledger.Utxo;

/**
 * A block's undo data as bytes ({@link BlockUndo}): a version byte, the count, then per spent output its
 * transaction id (32 bytes), output index, address (20 bytes), amount, height and coinbase flag, 73 bytes in
 * all. Only this node reads what it wrote; a value that does not decode is a damaged store, said as such.
 */
final class UndoCodec {
    private static final int VERSION = 1;
    private static final int ENTRY_BYTES = 32 + 4 + 20 + 8 + 8 + 1;
    private static final HexFormat HEX = HexFormat.of();

    private UndoCodec() {
    }

    static byte[] encode(List<Utxo> spent) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(5 + spent.size() * ENTRY_BYTES);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(spent.size());
            for (Utxo utxo : spent) {
                out.write(HEX.parseHex(utxo.txId()));
                out.writeInt((int) utxo.index()); // at most 2^32 - 1 (Limits.MAX_TX_INDEX): unsigned
                out.write(HEX.parseHex(utxo.address()));
                out.writeLong(utxo.amount());
                out.writeLong(utxo.height());
                out.writeBoolean(utxo.coinbase());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
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
                spent.add(new Utxo(HEX.formatHex(txId), index, HEX.formatHex(address), in.readLong(), in.readLong(),
                        in.readBoolean()));
            }
            return spent;
        } catch (IOException e) {
            throw new IllegalStateException("the undo data of block " + blockHash + " is damaged", e);
        }
    }
}
