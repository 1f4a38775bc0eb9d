package net.tallynet.protocol.ledger;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;

/**
 * A transaction as it travels. {@code id} is carried for readability; receivers recompute it from
 * the canonical encoding ({@link CanonicalEncoding#transactionId}) and never trust the sent value.
 */
public record Transaction(String id, List<TxInput> inputs, List<TxOutput> outputs) {

    public Transaction {
        Check.hash("id", id);
        inputs = Check.list("inputs", inputs, 1, Limits.MAX_TX_INPUTS);
        outputs = Check.list("outputs", outputs, 1, Limits.MAX_TX_OUTPUTS);
    }

    /** Builds the transaction with its id computed from the canonical encoding. */
    public static Transaction of(List<TxInput> inputs, List<TxOutput> outputs) {
        String id = CanonicalEncoding.transactionId(inputs, outputs);
        return new Transaction(id, inputs, outputs);
    }

    public boolean isCoinbase() {
        return inputs.size() == 1 && inputs.getFirst().isCoinbase();
    }
}
