package net.tallynet.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.NonceSearch;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.node.ledger.Ledger;
import org.springframework.context.ApplicationContext;

/** Mined test blocks and signed payments on the easy chain. */
public final class TestBlocks {
    public static final String NETWORK = Genesis.networkId("devnet");
    public static final ChainParams PARAMS = ChainParams.easy();
    /** What {@link #pay} and the payments of {@link #fanOutChain} leave as fee: over the mempool's minimum relay fee. */
    public static final long FEE = 1_000;

    private TestBlocks() {
    }

    public static String address(byte[] key) {
        return Ed25519Keys.address(Ed25519Keys.publicKey(key));
    }

    /** Pays {@code amount} from output 0 of {@code funding} (owned by {@code from}), change back to {@code from}. */
    public static Transaction pay(Transaction funding, byte[] from, byte[] to, long amount) {
        return TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(funding.id(), 0, from)),
                List.of(new TxOutput(address(to), amount),
                        new TxOutput(address(from), funding.outputs().getFirst().amount() - amount - FEE)));
    }

    /** Connects {@code count} empty blocks from genesis, each paying {@code miner}, to a fresh node; returns them, block 1 first. */
    public static List<Block> connectEmpty(ApplicationContext node, byte[] miner, int count) throws Exception {
        List<Block> chain = emptyChain(miner, count);
        connectAll(node.getBean(Ledger.class), chain);
        return chain;
    }

    /** Accepts {@code blocks} in order, as a node receiving them would; the tip's number after them. */
    public static long connectAll(Ledger ledger, List<Block> blocks) throws InvalidLedgerObjectException {
        for (Block block : blocks) {
            ledger.acceptBlock(block);
        }
        return ledger.chain().tip().number();
    }

    /** {@code count} empty blocks from genesis, each paying {@code miner}; block 1 first. */
    public static List<Block> emptyChain(byte[] miner, int count) {
        List<Block> chain = new ArrayList<>();
        Block parent = Genesis.of("devnet");
        for (int i = 0; i < count; i++) {
            parent = block(parent, miner, List.of());
            chain.add(parent);
        }
        return chain;
    }

    /** A mined child of {@code parent} paying the reward to {@code miner}; the miner's key keeps branches distinct. */
    public static Block block(Block parent, byte[] miner, List<Transaction> txs) {
        long number = parent.number() + 1;
        return block(parent, miner, txs, Genesis.TIME + number * 1000 + (Hashes.sha256(miner)[0] & 0x7f));
    }

    /** {@link #block(Block, byte[], List)} at a given time (a child of a block mined on the clock needs a later one). */
    public static Block block(Block parent, byte[] miner, List<Transaction> txs, long time) {
        long number = parent.number() + 1;
        List<Transaction> all = new ArrayList<>();
        all.add(Transaction.of(List.of(TxInput.coinbase(number)), List.of(new TxOutput(address(miner), PARAMS.rewardAt(number)))));
        all.addAll(txs);
        Block candidate = Block.of(number, parent.hash(), time, PARAMS.initialTarget(), 0, all);
        candidate = NonceSearch.solve(candidate);
        return candidate;
    }

    /**
     * {@code count} headers after {@code parent} with real proof of work on the easy target, and merkle
     * roots of bodies that do not exist: what a peer listing blocks it never serves must now pay for
     * (headers first). Times go up a millisecond a header, so a long chain stays within the clock's drift.
     */
    public static List<BlockRef> headers(BlockRef parent, int count) {
        List<BlockRef> refs = new ArrayList<>(count);
        BlockRef previous = parent;
        for (int i = 0; i < count; i++) {
            String merkleRoot = Hashes.hex(Hashes.sha256((previous.hash() + i).getBytes(StandardCharsets.UTF_8)));
            long time = previous.time() + 1;
            long nonce = 0;
            String hash;
            do {
                hash = CanonicalEncoding.blockHash(previous.number() + 1, previous.hash(), merkleRoot, time,
                        PARAMS.initialTarget(), ++nonce);
            } while (!Difficulty.meetsTarget(hash, PARAMS.initialTarget()));
            previous = new BlockRef(previous.number() + 1, hash, previous.hash(), merkleRoot, time,
                    PARAMS.initialTarget(), nonce);
            refs.add(previous);
        }
        return refs;
    }

    /**
     * A chain of fully signed payment blocks on the easy target: block 1's coinbase matures at block 3,
     * which splits it into {@code payments} outputs; each of the {@code paymentBlocks} blocks after it
     * carries {@code payments} payments, each spending one output of the previous block's payments.
     * Returns blocks 1 to {@code 3 + paymentBlocks}.
     */
    public static List<Block> fanOutChain(int paymentBlocks, int payments) {
        byte[] key = Ed25519Keys.newSecretKey();
        String address = address(key);
        Block b1 = block(Genesis.of("devnet"), key, List.of());
        Block b2 = block(b1, key, List.of());
        Transaction coinbase = b1.transactions().getFirst();
        long each = coinbase.outputs().getFirst().amount() / payments;
        List<TxOutput> fanOut = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
            fanOut.add(new TxOutput(address, each));
        }
        Transaction split = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(coinbase.id(), 0, key)),
                fanOut);
        Block parent = block(b2, key, List.of(split));
        List<Block> chain = new ArrayList<>(List.of(b1, b2, parent));
        String[] spendable = new String[payments];
        long[] indexes = new long[payments];
        for (int i = 0; i < payments; i++) {
            spendable[i] = split.id();
            indexes[i] = i;
        }
        for (int n = 1; n <= paymentBlocks; n++) {
            List<Transaction> txs = new ArrayList<>(payments);
            long amount = each - FEE * n; // each payment pays FEE
            for (int i = 0; i < payments; i++) {
                Transaction payment = TransactionSigner.sign(NETWORK,
                        List.of(new TransactionSigner.Spend(spendable[i], indexes[i], key)),
                        List.of(new TxOutput(address, amount)));
                txs.add(payment);
                spendable[i] = payment.id();
                indexes[i] = 0;
            }
            parent = block(parent, key, txs);
            chain.add(parent);
        }
        return chain;
    }
}
