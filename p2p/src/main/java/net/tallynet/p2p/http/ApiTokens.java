package net.tallynet.p2p.http;

import java.util.Locale;
import java.util.Set;

/**
 * What a bearer token for {@code tallynet.api.token} must be: empty (the guarded endpoints stay off) or
 * at least {@value #MIN_LENGTH} characters and none of the well-known placeholders. A token from an
 * example file or a guessable word lets anyone who reaches the API port spend the node's coins, so a
 * service refuses to start with one rather than run unprotected (security review item 11).
 */
public final class ApiTokens {
    public static final int MIN_LENGTH = 16;
    private static final String HOW_TO_MAKE_ONE = "make one with `openssl rand -hex 16`";
    /** Tokens that sample configurations and tutorials ship; compared case-insensitively. */
    private static final Set<String> PLACEHOLDERS = Set.of("change-me", "changeme", "change_me", "changeit",
            "change-it", "secret", "password", "passw0rd", "token", "api-token", "admin", "test", "default",
            "example", "replace-me", "your-token", "your-token-here", "insert-token-here", "change-me-please",
            "changemeplease", "replace-with-a-token", "replace-with-a-secret", "secret-token", "my-secret-token",
            "0123456789abcdef", "1234567890123456", "0000000000000000");

    private ApiTokens() {
    }

    /**
     * @param key   the setting the token came from, named in the message
     * @param token the token; blank passes (nothing guarded can be used then)
     * @throws IllegalArgumentException when the token is a placeholder or too short
     */
    public static void requireStrong(String key, String token) {
        String weakness = weakness(token);
        if (weakness != null) {
            throw new IllegalArgumentException(key + " " + weakness + "; " + HOW_TO_MAKE_ONE
                    + ", or leave it empty to keep the guarded endpoints off");
        }
    }

    /** Why a token is not good enough, as "is ..."; null for a good one or a blank one. */
    public static String weakness(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        if (PLACEHOLDERS.contains(token.strip().toLowerCase(Locale.ROOT))) {
            return "is a well-known placeholder that anyone could guess";
        }
        // spaces around it add nothing an attacker would have to guess
        if (token.strip().length() < MIN_LENGTH) {
            return "is " + token.strip().length() + " characters, fewer than " + MIN_LENGTH;
        }
        return null;
    }
}
