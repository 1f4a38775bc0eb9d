package net.tallynet.protocol;

import java.util.List;

/** Field checks used by the message records' compact constructors; each failure names the field. */
public final class Check {
    private static final boolean[] LOWER_HEX = new boolean[128];

    static {
        for (char c : "0123456789abcdef".toCharArray()) {
            LOWER_HEX[c] = true;
        }
    }
    private Check() {
    }

    public static String hash(String field, String value) {
        return hex(field, value, 32, 32);
    }

    /** Lower-case hex of {@code minBytes..maxBytes} bytes; lower case only so that every value has one spelling. */
    public static String hex(String field, String value, int minBytes, int maxBytes) {
        present(field, value);
        int length = value.length();
        if (length % 2 != 0 || length < 2 * minBytes || length > 2 * maxBytes) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE,
                    field + " must be " + describeLength(minBytes, maxBytes) + " of lower-case hex");
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            // one table look-up per character: a block frame is mostly hex, so this loop is the decoder's hot path
            if (c >= 128 || !LOWER_HEX[c]) {
                throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, field + " must be lower-case hex");
            }
        }
        return value;
    }

    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE,
                    field + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    public static String text(String field, String value, int minLength, int maxLength) {
        present(field, value);
        if (value.length() < minLength || value.length() > maxLength) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE,
                    field + " must have " + minLength + " to " + maxLength + " characters");
        }
        return value;
    }

    /** Like {@link #text}, limited to printable ASCII: peer-chosen text reaches logs, so no control characters. */
    public static String printable(String field, String value, int minLength, int maxLength) {
        text(field, value, minLength, maxLength);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, field + " must be printable ASCII");
            }
        }
        return value;
    }

    /** The header fields of a block, wherever they travel (BLOCK, LISTOFBLOCKS, COMPACTBLOCK): PROTOCOL.md 5.1. */
    public static void header(long number, String hash, String previousHash, String merkleRoot, long time,
                              String target, long nonce) {
        range("number", number, 0, Limits.MAX_SAFE_INTEGER);
        hash("hash", hash);
        hash("previousHash", previousHash);
        hash("merkleRoot", merkleRoot);
        range("time", time, 0, Limits.MAX_SAFE_INTEGER);
        hash("target", target);
        range("nonce", nonce, 0, Limits.MAX_SAFE_INTEGER);
    }

    /** Copies the list (records stay immutable) after checking its size and that no entry is null. */
    public static <T> List<T> list(String field, List<T> value, int min, int max) {
        present(field, value);
        if (value.size() < min || value.size() > max) {
            throw new InvalidMessageException(RejectReason.LIST_TOO_LONG,
                    field + " must have " + min + " to " + max + " entries, had " + value.size());
        }
        for (T entry : value) {
            if (entry == null) {
                throw new InvalidMessageException(RejectReason.WRONG_TYPE, field + " must not contain null");
            }
        }
        return List.copyOf(value);
    }

    /**
     * Absent required fields are refused by the codec before a record is built; a null that gets here
     * was sent as an explicit JSON null, which is never a valid value.
     */
    public static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidMessageException(RejectReason.WRONG_TYPE, field + " must not be null");
        }
        return value;
    }

    private static String describeLength(int minBytes, int maxBytes) {
        return minBytes == maxBytes ? minBytes + " bytes" : minBytes + " to " + maxBytes + " bytes";
    }
}
