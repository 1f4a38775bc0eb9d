package net.tallynet.node.wallet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.ledger.Utxo;

/** The node's own coins: one key, its address, its balance, and payments signed with it. */
public class Wallet {
    /** Most outputs considered for one payment: bounds the work of coin selection. */
    static final int MAX_CANDIDATES = 500;

    private final byte[] secretKey;
    private final String address;
    private final ChainStore chain;
    private final Mempool mempool;
    private final ChainParams params;
    private final String networkId;

    public Wallet(Path dataDir, ChainStore chain, Mempool mempool, ChainParams params, String networkId) {
        this.secretKey = WalletKey.loadOrCreate(dataDir);
        this.address = Ed25519Keys.address(Ed25519Keys.publicKey(secretKey));
        this.chain = chain;
        this.mempool = mempool;
        this.params = params;
        this.networkId = networkId;
    }

    public String address() {
        return address;
    }

    /** Confirmed balance: every best-chain output to this address, immature coinbases included. */
    public long balance() {
        return chain.balanceOf(address);
    }

    /**
     * A signed payment of {@code amount} to {@code to} with {@code fee}, change back to this wallet.
     * Spends mature outputs the mempool does not already spend, largest first.
     */
    public Transaction pay(String to, long amount, long fee) {
        if (amount <= 0 || fee < 0 || amount > Limits.MAX_MONEY || fee > Limits.MAX_MONEY) {
            throw new IllegalArgumentException("amount must be positive and fee not negative, both at most 21 million coins");
        }
        long needed = amount + fee;
        long nextHeight = chain.tip().number() + 1;
        var available = mempool.view();
        List<TransactionSigner.Spend> spends = new ArrayList<>();
        long gathered = 0;
        for (Utxo utxo : chain.unspentOf(address, MAX_CANDIDATES)) {
            boolean mature = !utxo.coinbase() || nextHeight - utxo.height() >= params.coinbaseMaturity();
            if (!mature || available.find(utxo.txId(), utxo.index()).isEmpty()) {
                continue;
            }
            spends.add(new TransactionSigner.Spend(utxo.txId(), utxo.index(), secretKey));
            gathered += utxo.amount();
            if (gathered >= needed) {
                break;
            }
        }
        if (gathered < needed) {
            throw new InsufficientFundsException("spendable " + gathered + " is less than amount plus fee " + needed);
        }
        List<TxOutput> outputs = new ArrayList<>(List.of(new TxOutput(to, amount)));
        if (gathered > needed) {
            outputs.add(new TxOutput(address, gathered - needed));
        }
        return TransactionSigner.sign(networkId, spends, outputs);
    }

    /** Not enough mature, unspent coins for a payment. */
    public static final class InsufficientFundsException extends RuntimeException {
        InsufficientFundsException(String message) {
            super(message);
        }
    }
}
