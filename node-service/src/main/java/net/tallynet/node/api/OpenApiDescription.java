package net.tallynet.node.api;

import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API's OpenAPI 3 description, at {@code /api/openapi.json}: {@code docs/openapi.json} as checked in
 * (the build puts it in the jar beside this class). {@code OpenApiDocumentTest} generates the description from
 * the controllers with springdoc and fails when the two differ, so the node serves what springdoc would, without
 * springdoc, swagger-core and the Jackson 2 they need in every node's start and memory (about 1,000 classes,
 * issue 23).
 */
@Hidden
@RestController
class OpenApiDescription {
    private final byte[] document;

    /** Read once, at start (43 KB): a jar built without it fails there, not at the first request. */
    OpenApiDescription() {
        try (InputStream in = OpenApiDescription.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException(
                        "openapi.json is missing from the jar (node-service/pom.xml copies docs/openapi.json)");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(path = "/api/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    byte[] description() {
        return document;
    }
}
