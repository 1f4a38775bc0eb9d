package net.tallynet.p2p.http;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where REST, the dashboard pages and actuator listen ({@code tallynet.api.port}, {@code .address},
 * {@code .threads.*}): a connector of their own, apart from {@code server.port}, which serves only
 * the P2P WebSocket endpoint (operating contract, "Ports"). Peers reach only the P2P port; the API
 * port is for the operator, so it binds to loopback unless told otherwise.
 *
 * @param port    the API port; 0 picks a free one (tests), published as {@code local.tallynet.api.port}.
 *                Each service sets its default (node 9081, tracker 9080: the P2P port plus 1000)
 * @param address the address the API port binds to; {@code 0.0.0.0} inside a container, so the
 *                container runtime can publish it
 * @param threads the API connector's own pool of request threads, which no peer traffic uses
 */
@ConfigurationProperties("tallynet.api")
public record ApiServerProperties(Integer port, @DefaultValue("127.0.0.1") String address,
                                  @DefaultValue Threads threads) {

    public ApiServerProperties {
        if (port == null || port < 0 || port > 65535) {
            throw new IllegalArgumentException("tallynet.api.port must be set, 0 to 65535 (0: a free port), not " + port);
        }
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("tallynet.api.address must be set, e.g. 127.0.0.1 or 0.0.0.0");
        }
    }

    /**
     * @param max         request threads at most: REST calls are short and event streams do not hold one
     * @param minSpare    threads kept started while idle
     * @param acceptCount connections the kernel queues while every thread is busy
     */
    public record Threads(@DefaultValue("32") int max, @DefaultValue("4") int minSpare,
                          @DefaultValue("100") int acceptCount) {
        public Threads {
            if (max < 1 || minSpare < 0 || minSpare > max || acceptCount < 1) {
                throw new IllegalArgumentException("invalid tallynet.api.threads settings");
            }
        }
    }
}
