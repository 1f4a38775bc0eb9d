package net.tallynet.lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes the report's JSON files. */
final class Json {
    /** snake_case so the summary's keys read like the CSV headers; map keys (the event log's) are left as they are. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    static void write(Path file, Object value) throws IOException {
        Files.writeString(file, MAPPER.writeValueAsString(value));
    }
}
