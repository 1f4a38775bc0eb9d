package net.tallynet.protocol.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.tallynet.protocol.crypto.Hashes;

/**
 * The fixed first block of a network, derived from the network's name alone, so that every member
 * configured with the same {@code tallynet.network} starts from the identical block. Its hash is
 * the network id carried in HELLO. It needs no proof of work (its target is the maximum) and its
 * single coinbase pays 0 to an address nobody holds a key for.
 */
public final class Genesis {
    /** 2025-11-24T16:00:00Z. */
    public static final long TIME = 1_764_000_000_000L;
    public static final String ZERO_HASH = "0".repeat(64);
    public static final String MAX_TARGET = "f".repeat(64);

    private Genesis() {
    }

    public static Block of(String network) {
        if (network == null || network.isBlank()) {
            throw new IllegalArgumentException("network name must not be blank");
        }
        byte[] seed = Hashes.sha256(("tallynet:" + network).getBytes(StandardCharsets.UTF_8));
        String burnAddress = Hashes.hex(Arrays.copyOf(seed, 20));
        Transaction coinbase = Transaction.of(List.of(TxInput.coinbase(0)), List.of(new TxOutput(burnAddress, 0)));
        return Block.of(0, ZERO_HASH, TIME, MAX_TARGET, 0, List.of(coinbase));
    }

    /** The network id: the genesis block's hash. */
    public static String networkId(String network) {
        return of(network).hash();
    }
}
