package net.tallynet.node.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import net.tallynet.p2p.SecretFile;
import net.tallynet.p2p.http.ApiTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API token kept in a file ({@code tallynet.api.token-file}): made on first start with 128 random
 * bits, owner-only, and read again at every later start. A container or pod then spends only with a
 * token no one shipped, and no one had to invent one. The token itself is never logged: the log says
 * where the file is, which only the node's user (or whoever may exec into its container) can read.
 */
final class ApiTokenFile {
    private static final Logger log = LoggerFactory.getLogger(ApiTokenFile.class);
    private static final int TOKEN_BYTES = 16;

    private ApiTokenFile() {
    }

    static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
                String weakness = token.isEmpty() ? "is empty" : ApiTokens.weakness(token);
                if (weakness != null) {
                    // refused, not replaced: whoever wrote it may be using it
                    throw new IllegalStateException(file + " (tallynet.api.token-file) " + weakness
                            + "; delete it and the node makes a random token at its next start");
                }
                log.info("API token read from {}", file);
                return token;
            }
            byte[] random = new byte[TOKEN_BYTES];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            SecretFile.write(file, token + "\n");
            log.info("API token generated in {} (owner-only): the spending endpoints take it as "
                    + "Authorization: Bearer <the file's content>", file);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token file " + file, e);
        }
    }
}
