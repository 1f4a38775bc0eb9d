package net.tallynet.node.wallet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;

/**
 * The node's key, in {@code <data-dir>/wallet.key} as hex, readable by the owner only. It is written
 * whole or not at all: to a temporary file forced to the device, then renamed into place and the
 * directory forced too. A power cut while the key was first written then leaves no key (a new one is
 * made; nothing was paid to the lost one) rather than an empty file the node refuses to start with,
 * after coinbases were already paid to the key.
 */
final class WalletKey {
    static final String FILE = "wallet.key";
    static final String PARTIAL = FILE + ".partial";

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
            write(dataDir, file, Hashes.hex(secret) + "\n");
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the wallet key " + file, e);
        }
    }

    private static void write(Path dataDir, Path file, String content) throws IOException {
        Path partial = dataDir.resolve(PARTIAL);
        Files.deleteIfExists(partial); // left by a crash before the rename: never in use
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        // owner-only permissions from the start: no moment where others can read it
        try (FileChannel out = posix
                ? FileChannel.open(partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        if (!posix) {
            partial.toFile().setReadable(false, false);
            partial.toFile().setReadable(true, true);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        if (posix) {
            try (FileChannel directory = FileChannel.open(dataDir, StandardOpenOption.READ)) {
                directory.force(true); // the rename itself survives a power cut
            }
        }
    }

}
