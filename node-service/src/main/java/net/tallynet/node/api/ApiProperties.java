package net.tallynet.node.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The REST API ({@code tallynet.api.*}).
 *
 * @param token bearer token for spending endpoints and for lifting bans; when blank they are refused, so a node
 *              never spends by default
 */
@ConfigurationProperties("tallynet.api")
public record ApiProperties(String token) {

    public boolean spendingEnabled() {
        return token != null && !token.isBlank();
    }
}
