package net.tallynet.node.wallet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;

/** The node's key, in {@code <data-dir>/wallet.key} as hex, readable by the owner only. */
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
            Files.createDirectories(dataDir);
            byte[] secret = Ed25519Keys.newSecretKey();
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            // create the file with owner-only permissions from the start: no moment where others can read it
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, Hashes.hex(secret) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            if (!posix) {
                file.toFile().setReadable(false, false);
                file.toFile().setReadable(true, true);
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the wallet key " + file, e);
        }
    }

}
