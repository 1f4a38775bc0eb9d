package net.tallynet.p2p;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bans in a text file under {@code tallynet.data-dir}, one {@code host until-ms reason} per line. The
 * peer layer has no database of its own, and a file serves the node and the tracker alike. Written
 * to a temporary file, forced to disk and renamed over the old one: a crash leaves the old list or the
 * new one, never half of either.
 */
public final class FileBanStore implements BanStore {
    private static final Logger log = LoggerFactory.getLogger(FileBanStore.class);

    private final Path file;

    public FileBanStore(Path file) {
        this.file = file;
    }

    @Override
    public List<BanList.Ban> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<BanList.Ban> bans = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ", 3);
                if (fields.length == 3) {
                    try {
                        bans.add(new BanList.Ban(fields[0], fields[2], Instant.ofEpochMilli(Long.parseLong(fields[1]))));
                    } catch (NumberFormatException e) {
                        log.warn("{}: skipping unreadable line {}", file, line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bans from " + file, e);
        }
        return bans;
    }

    @Override
    public void save(Collection<BanList.Ban> bans) {
        StringBuilder text = new StringBuilder();
        for (BanList.Ban ban : bans) {
            text.append(ban.host()).append(' ').append(ban.until().toEpochMilli()).append(' ').append(ban.reason())
                    .append('\n');
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(text.toString()));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the ban still holds in memory; only a restart would lift it
            log.warn("cannot write bans to {}: {}", file, e.toString());
        }
    }
}
