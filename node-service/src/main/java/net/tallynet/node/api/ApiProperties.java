package net.tallynet.node.api;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.p2p.http.ApiTokens;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The REST API ({@code tallynet.api.*}).
 *
 * @param token        bearer token for spending endpoints and for lifting bans: at least 16 characters and no
 *                     well-known placeholder ({@link ApiTokens}); when blank (and no token file) they are refused,
 *                     so a node never spends by default
 * @param tokenFile    when no token is set, the file the token is read from, made on first start with a random
 *                     128-bit one (owner-only); relative to {@code tallynet.data-dir}. Compose and k8s set it, so
 *                     they need no token invented and ship none
 * @param maxBodyBytes the largest request body each endpoint takes (413 past it)
 * @param bodyTimeout  the longest a request body may take to arrive, all of it (408 past it)
 * @param readTimeout  the longest wait for the next bytes of a request (Tomcat's connection timeout; not WebSockets)
 * @param rateLimit    per client address, on payments, raw transactions and generate (429 past it)
 */
@ConfigurationProperties("tallynet.api")
public record ApiProperties(String token, Path tokenFile, @DefaultValue MaxBodyBytes maxBodyBytes,
                            @DefaultValue("10s") Duration bodyTimeout, @DefaultValue("5s") Duration readTimeout,
                            @DefaultValue RateLimit rateLimit) {

    public ApiProperties {
        ApiTokens.requireStrong("tallynet.api.token", token);
        tokenFile = tokenFile == null || tokenFile.toString().isBlank() ? null : tokenFile;
    }

    /**
     * @param payments     {@code POST /api/payments}: three short fields
     * @param generate     {@code POST /api/blocks/generate}
     * @param transactions {@code POST /api/transactions}; 0 means the frame limit ({@code tallynet.peers.max-frame-bytes}),
     *                     as a peer's transaction may be that large
     * @param other        every other request under {@code /api}, which takes no body
     */
    public record MaxBodyBytes(@DefaultValue("1024") long payments, @DefaultValue("1024") long generate,
                               @DefaultValue("0") long transactions, @DefaultValue("1024") long other) {
    }

    /**
     * @param requestsPerSecond sustained requests per client address to the spending endpoints and generate
     * @param burst             requests a client may make at once before the rate applies
     */
    public record RateLimit(@DefaultValue("10") long requestsPerSecond, @DefaultValue("50") long burst) {
    }
}
