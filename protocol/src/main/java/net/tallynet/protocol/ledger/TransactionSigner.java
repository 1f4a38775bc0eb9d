package net.tallynet.protocol.ledger;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;

/**
 * What a transaction's signatures sign, and how to make and check them. Every input signs the same
 * digest: sha256d(network id ‖ signing encoding), where the signing encoding (PROTOCOL.md 5.3) is
 * the transaction without its signatures. The network id (genesis hash) binds a signature to one
 * network, so a transaction cannot be replayed on another network that shares outputs' ids.
 */
public final class TransactionSigner {
    private TransactionSigner() {
    }

    public static byte[] digest(String networkId, List<TxInput> inputs, List<TxOutput> outputs) {
        byte[] network = Hashes.fromHex(networkId);
        byte[] body = CanonicalEncoding.transaction(inputs, outputs, false);
        byte[] message = new byte[network.length + body.length];
        System.arraycopy(network, 0, message, 0, network.length);
        System.arraycopy(body, 0, message, network.length, body.length);
        return Hashes.sha256d(message);
    }

    /** An input to be signed: the output it spends and the key that owns it. */
    public record Spend(String txId, long index, byte[] secretKey) {
    }

    /** Builds and signs a transaction spending {@code spends} into {@code outputs}. */
    public static Transaction sign(String networkId, List<Spend> spends, List<TxOutput> outputs) {
        List<TxInput> unsigned = new ArrayList<>(spends.size());
        for (Spend spend : spends) {
            unsigned.add(new TxInput(spend.txId(), spend.index(), Hashes.hex(Ed25519Keys.publicKey(spend.secretKey())), ""));
        }
        byte[] digest = digest(networkId, unsigned, outputs);
        List<TxInput> signed = new ArrayList<>(spends.size());
        for (int i = 0; i < spends.size(); i++) {
            TxInput input = unsigned.get(i);
            String signature = Hashes.hex(Ed25519Keys.sign(spends.get(i).secretKey(), digest));
            signed.add(new TxInput(input.txId(), input.index(), input.publicKey(), signature));
        }
        return Transaction.of(signed, outputs);
    }

    /** Whether input {@code index}'s signature is valid for its public key. */
    public static boolean verify(byte[] digest, TxInput input) {
        return Ed25519Keys.verify(Hashes.fromHex(input.publicKey()), digest, Hashes.fromHex(input.signature()));
    }
}
