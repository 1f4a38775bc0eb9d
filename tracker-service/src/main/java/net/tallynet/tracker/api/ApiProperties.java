package net.tallynet.tracker.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The tracker's REST API ({@code tallynet.api.*}).
 *
 * @param token bearer token for lifting bans ({@code DELETE /api/peers/bans/{host}}); when blank that is refused (403)
 */
@ConfigurationProperties("tallynet.api")
public record ApiProperties(String token) {
}
