package net.tallynet.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the golden vector files under {@code src/test/resources/vectors} (format in PROTOCOL.md). */
public final class GoldenVectors {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GoldenVectors() {
    }

    public static List<Path> files(String folder) {
        try (Stream<Path> paths = Files.list(directory(folder))) {
            return paths.filter(path -> path.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(String folder, String name) {
        return read(directory(folder).resolve(name));
    }

    private static Path directory(String folder) {
        try {
            return Path.of(GoldenVectors.class.getResource("/vectors/" + folder).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
