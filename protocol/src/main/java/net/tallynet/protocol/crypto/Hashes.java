package net.tallynet.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Double SHA-256 and lower-case hex, the only hash and text form of bytes the protocol uses. */
public final class Hashes {
    private static final HexFormat HEX = HexFormat.of();
    // MessageDigest is not thread-safe and costly to look up; one per thread keeps hashing allocation-free.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::newSha256);

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

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
