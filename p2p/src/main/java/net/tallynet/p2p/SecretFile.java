package net.tallynet.p2p;

import java.io.IOException;
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

/**
 * A secret kept under the data directory (the wallet key, the generated API token), readable by the
 * owner only. It is written whole or not at all: to {@code <name>.partial}, forced to the device, then
 * renamed into place and the directory forced too. A power cut during the first write then leaves no
 * file (a new secret is made at the next start) rather than an empty or half one the service would
 * refuse, or worse, use.
 */
public final class SecretFile {

    private SecretFile() {
    }

    /** Where a write in progress is; a leftover one (a crash before the rename) was never in use. */
    public static Path partial(Path file) {
        return file.resolveSibling(file.getFileName() + ".partial");
    }

    /** Writes {@code content} to {@code file}, creating its directory, owner-only from the first byte. */
    public static void write(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path partial = partial(file);
        Files.deleteIfExists(partial);
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
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true); // the rename itself survives a power cut
            }
        }
    }
}
