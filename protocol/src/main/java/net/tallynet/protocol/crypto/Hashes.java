package net.tallynet.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Double SHA-256 and lower-case hex, the only hash and text form of bytes the protocol uses. */
public final class Hashes {
    private static final HexFormat HEX = HexFormat.of();
    /** Each ASCII character's value as a hex digit, -1 for any other (upper case is accepted, as HexFormat does). */
    private static final byte[] DIGIT_VALUES = new byte[128];
    // MessageDigest is not thread-safe and costly to look up; one per thread keeps hashing allocation-free.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::newSha256);

    static {
        Arrays.fill(DIGIT_VALUES, (byte) -1);
        for (int i = 0; i < 16; i++) {
            DIGIT_VALUES[Character.forDigit(i, 16)] = (byte) i;
            DIGIT_VALUES[Character.toUpperCase(Character.forDigit(i, 16))] = (byte) i;
        }
    }

    private Hashes() {
    }

    public static byte[] sha256(byte[] data) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(data);
    }

    /** SHA-256 applied twice, as Bitcoin does for block and transaction ids. */
    public static byte[] sha256d(byte[] data) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        byte[] once = digest.digest(data);
        return digest.digest(once);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * The bytes {@code hex} spells, as {@link HexFormat#parseHex(CharSequence)} reads them and refusing what it
     * refuses (an odd length or a character that is no hex digit) with an {@link IllegalArgumentException}. A
     * table and one loop: a block's connect parses an id per transaction (merkle root) and an id and an address per
     * spent output (undo data), and on a node running C1 alone (the devnet's relaying nodes) HexFormat's small
     * per-digit methods, not inlined, took about 1.5 times as long ({@code ./tallynet bench Hex}: 283 against 182 ns
     * for a 64-digit id); with C2 both are far faster.
     */
    public static byte[] fromHex(String hex) {
        int length = hex.length();
        if ((length & 1) != 0) {
            throw new IllegalArgumentException("hex of odd length " + length);
        }
        byte[] bytes = new byte[length >> 1];
        for (int i = 0, j = 0; i < length; i += 2, j++) {
            char high = hex.charAt(i);
            char low = hex.charAt(i + 1);
            int value = (high < 128 ? DIGIT_VALUES[high] << 4 : -1) | (low < 128 ? DIGIT_VALUES[low] : -1);
            if (value < 0) {
                int at = high < 128 && DIGIT_VALUES[high] >= 0 ? i + 1 : i;
                throw new IllegalArgumentException("not a hex digit at index " + at + ": " + hex.charAt(at));
            }
            bytes[j] = (byte) value;
        }
        return bytes;
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
