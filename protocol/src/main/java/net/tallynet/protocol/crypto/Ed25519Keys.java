package net.tallynet.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Transaction keys: Ed25519 (RFC 8032) through BouncyCastle. Chosen by SignatureBenchmark on our
 * machines: 14.8k verifications/s against 1.9k for the JDK's own Ed25519, pure Java (libsecp256k1
 * was 2.3x faster but needs a native library that Maven cannot fetch for every platform).
 * Signatures are deterministic, and verification is strict (s below the group order), so a valid
 * signature cannot be altered into another valid one: transaction ids are not malleable.
 */
public final class Ed25519Keys {
    public static final int SECRET_KEY_BYTES = Ed25519.SECRET_KEY_SIZE;
    public static final int PUBLIC_KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;
    public static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;
    /** Bytes of an address: the first 20 bytes of SHA-256 of the public key. */
    public static final int ADDRESS_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ed25519Keys() {
    }

    public static byte[] newSecretKey() {
        byte[] secret = new byte[SECRET_KEY_BYTES];
        Ed25519.generatePrivateKey(RANDOM, secret);
        return secret;
    }

    public static byte[] publicKey(byte[] secretKey) {
        byte[] publicKey = new byte[PUBLIC_KEY_BYTES];
        Ed25519.generatePublicKey(secretKey, 0, publicKey, 0);
        return publicKey;
    }

    public static byte[] sign(byte[] secretKey, byte[] message) {
        byte[] signature = new byte[SIGNATURE_BYTES];
        Ed25519.sign(secretKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** False for anything malformed (wrong lengths, a key not on the curve) as well as for a wrong signature. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The address that outputs are locked to: lower-case hex of the first 20 bytes of SHA-256(public key). */
    public static String address(byte[] publicKey) {
        return Hashes.hex(Arrays.copyOf(Hashes.sha256(publicKey), ADDRESS_BYTES));
    }
}
