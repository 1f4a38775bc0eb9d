package net.tallynet.node.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The REST API ({@code tallynet.api.*}).
 *
 * @param token        bearer token for spending endpoints and for lifting bans; when blank they are refused, so a node
 *                     never spends by default
 * @param maxBodyBytes the largest request body each endpoint takes (413 past it)
 * @param bodyTimeout  the longest a request body may take to arrive, all of it (408 past it)
 * @param readTimeout  the longest wait for the next bytes of a request (Tomcat's connection timeout; not WebSockets)
 * @param rateLimit    per client address, on payments, raw transactions and generate (429 past it)
 */
@ConfigurationProperties("tallynet.api")
public record ApiProperties(String token, @DefaultValue MaxBodyBytes maxBodyBytes,
                            @DefaultValue("10s") Duration bodyTimeout, @DefaultValue("5s") Duration readTimeout,
                            @DefaultValue RateLimit rateLimit) {

    public boolean spendingEnabled() {
        return token != null && !token.isBlank();
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
