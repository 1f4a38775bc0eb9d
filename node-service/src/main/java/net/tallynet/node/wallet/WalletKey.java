package net.tallynet.node.wallet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import net.tallynet.p2p.SecretFile;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;

/**
 * The node's key, in {@code <data-dir>/wallet.key} as hex, readable by the owner only, written whole or
 * not at all ({@link SecretFile}). A power cut while the key was first written then leaves no key (a new
 * one is made; nothing was paid to the lost one) rather than an empty file the node refuses to start
 * with, after coinbases were already paid to the key.
 */
final class WalletKey {
    static final String FILE = "wallet.key";

    private WalletKey() {
    }

    static byte[] loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                byte[] secret = Hashes.fromHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
                if (secret.length != Ed25519Keys.SECRET_KEY_BYTES) {
                    throw new IllegalStateException(file + " does not hold a " + Ed25519Keys.SECRET_KEY_BYTES + "-byte key");
                }
                return secret;
            }
            byte[] secret = Ed25519Keys.newSecretKey();
            SecretFile.write(file, Hashes.hex(secret) + "\n");
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the wallet key " + file, e);
        }
    }
}
