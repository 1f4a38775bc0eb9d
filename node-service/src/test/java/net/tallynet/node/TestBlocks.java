package net.tallynet.node;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;

/** Mined test blocks and signed payments on the easy chain. */
public final class TestBlocks {
    public static final String NETWORK = Genesis.networkId("devnet");
    public static final ChainParams PARAMS = ChainParams.easy();

    private TestBlocks() {
    }

    public static String address(byte[] key) {
        return Ed25519Keys.address(Ed25519Keys.publicKey(key));
    }

    /** Pays {@code amount} from output 0 of {@code funding} (owned by {@code from}), change back to {@code from}. */
    public static Transaction pay(Transaction funding, byte[] from, byte[] to, long amount) {
        return TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(funding.id(), 0, from)),
                List.of(new TxOutput(address(to), amount),
                        new TxOutput(address(from), funding.outputs().getFirst().amount() - amount)));
    }

    /** A mined child of {@code parent} paying the reward to {@code miner}; the miner's key keeps branches distinct. */
    public static Block block(Block parent, byte[] miner, List<Transaction> txs) {
        long number = parent.number() + 1;
        List<Transaction> all = new ArrayList<>();
        all.add(Transaction.of(List.of(TxInput.coinbase(number)), List.of(new TxOutput(address(miner), PARAMS.rewardAt(number)))));
        all.addAll(txs);
        long time = Genesis.TIME + number * 1000 + (Hashes.sha256(miner)[0] & 0x7f);
        Block candidate = Block.of(number, parent.hash(), time, PARAMS.initialTarget(), 0, all);
        while (!Difficulty.meetsTarget(candidate.hash(), candidate.target())) {
            candidate = candidate.withNonce(candidate.nonce() + 1);
        }
        return candidate;
    }
}
