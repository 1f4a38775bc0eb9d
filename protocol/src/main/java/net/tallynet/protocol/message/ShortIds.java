package net.tallynet.protocol.message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import net.tallynet.protocol.crypto.Hashes;
import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A COMPACTBLOCK's short transaction ids (PROTOCOL.md 12.1), after BIP152: SipHash-2-4 of the
 * transaction id's 32 bytes, keyed by the first 16 bytes of SHA-256(block hash bytes || salt as 8
 * bytes little-endian), cut to its low 48 bits and written as 12 lower-case hex digits. The key
 * changes with every block and salt, so nobody can grind transactions whose short ids collide in
 * blocks they do not know yet. Not thread-safe: one instance per block being built or rebuilt.
 */
public final class ShortIds {
    /** Bytes of a short id on the wire (as hex, twice as many characters). */
    public static final int BYTES = 6;
    private static final long MASK = (1L << (8 * BYTES)) - 1;
    private static final HexFormat HEX = HexFormat.of();

    private final SipHash sipHash = new SipHash(2, 4);

    public ShortIds(String blockHash, long salt) {
        ByteBuffer seed = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        seed.put(Hashes.fromHex(blockHash)).putLong(salt);
        sipHash.init(new KeyParameter(Arrays.copyOf(Hashes.sha256(seed.array()), 16)));
    }

    /** The short id of a transaction id, as a number (the low 48 bits of the SipHash). */
    public long of(String transactionId) {
        byte[] id = Hashes.fromHex(transactionId);
        sipHash.reset();
        sipHash.update(id, 0, id.length);
        return sipHash.doFinal() & MASK;
    }

    /** The wire form: 12 lower-case hex digits. */
    public String hexOf(String transactionId) {
        return toHex(of(transactionId));
    }

    public static String toHex(long shortId) {
        return HEX.toHexDigits(shortId).substring(16 - 2 * BYTES);
    }

    public static long fromHex(String shortId) {
        return HexFormat.fromHexDigitsToLong(shortId);
    }
}
