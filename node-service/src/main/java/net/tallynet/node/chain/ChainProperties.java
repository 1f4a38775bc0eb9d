package net.tallynet.node.chain;

import java.time.Duration;
import net.tallynet.protocol.ledger.ChainParams;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Consensus settings of the node ({@code tallynet.chain.*}). Every member of a network must agree.
 *
 * @param preset          {@code devnet} (laptop difficulty) or {@code easy} (trivial work, for tests)
 * @param targetBlockTime the block interval difficulty adjustment aims at (operating contract)
 */
@ConfigurationProperties("tallynet.chain")
public record ChainProperties(@DefaultValue("devnet") String preset, @DefaultValue("5s") Duration targetBlockTime) {

    public ChainParams params() {
        ChainParams base = switch (preset) {
            case "devnet" -> ChainParams.devnet();
            case "easy" -> ChainParams.easy();
            default -> throw new IllegalArgumentException("tallynet.chain.preset must be devnet or easy, was " + preset);
        };
        return base.withTargetBlockTime(targetBlockTime);
    }
}
