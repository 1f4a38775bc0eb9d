package net.tallynet.tracker.api;

import java.time.Duration;
import net.tallynet.p2p.http.ApiTokens;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The tracker's REST API ({@code tallynet.api.*}).
 *
 * @param token        bearer token for lifting bans ({@code DELETE /api/peers/bans/{host}}); when blank that is refused
 *                     (403); at least 16 characters and no well-known placeholder ({@link ApiTokens})
 * @param maxBodyBytes the largest request body under {@code /api} (none of its endpoints takes one); the same key
 *                     as the node's {@code tallynet.api.max-body-bytes.other}
 * @param bodyTimeout  the longest a request body may take to arrive, all of it
 * @param readTimeout  the longest wait for the next bytes of a request (Tomcat's connection timeout; not WebSockets)
 */
@ConfigurationProperties("tallynet.api")
public record ApiProperties(String token, @DefaultValue MaxBodyBytes maxBodyBytes,
                            @DefaultValue("10s") Duration bodyTimeout, @DefaultValue("5s") Duration readTimeout) {

    public ApiProperties {
        ApiTokens.requireStrong("tallynet.api.token", token);
    }

    /** @param other every request under {@code /api} */
    public record MaxBodyBytes(@DefaultValue("1024") long other) {
    }
}
