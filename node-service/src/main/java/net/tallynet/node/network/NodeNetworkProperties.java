package net.tallynet.node.network;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How others reach this node ({@code tallynet.advertised-host}, {@code tallynet.advertised-port},
 * operating contract). Never guessed from the machine's interfaces: a node only advertises what
 * it is told; without a port it advertises the port it listens on.
 */
@ConfigurationProperties("tallynet")
public record NodeNetworkProperties(String advertisedHost, Integer advertisedPort) {

    public NodeNetworkProperties {
        if (advertisedPort != null && (advertisedPort < 1 || advertisedPort > 65535)) {
            throw new IllegalArgumentException("tallynet.advertised-port must be 1 to 65535");
        }
    }
}
