package net.tallynet.p2p;

import java.nio.file.Path;
import net.tallynet.protocol.ledger.Genesis;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings every Tallynet service shares ({@code tallynet.*}, operating contract).
 *
 * @param network name of the network; the genesis block and so the network id derive from it
 * @param dataDir where H2 files and other state live; always absolute ({@link DataDirectoryResolver})
 */
@ConfigurationProperties("tallynet")
public record NetworkProperties(@DefaultValue("devnet") String network, @DefaultValue(DataDirectoryResolver.DEFAULT) Path dataDir) {

    public NetworkProperties {
        if (network == null || network.isBlank()) {
            throw new IllegalArgumentException("tallynet.network must not be blank");
        }
    }

    public String networkId() {
        return Genesis.networkId(network);
    }
}
