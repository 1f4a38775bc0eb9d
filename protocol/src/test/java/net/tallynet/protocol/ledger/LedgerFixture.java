package net.tallynet.protocol.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.tallynet.protocol.crypto.Ed25519Keys;

/** Builds small valid chains with real keys and real (easy) proof of work, for the rule tests. */
final class LedgerFixture {
    static final String NETWORK = Genesis.networkId("devnet");
    static final ChainParams PARAMS = ChainParams.easy();
    static final long T0 = Genesis.TIME;

    final byte[] alice = Ed25519Keys.newSecretKey();
    final byte[] bob = Ed25519Keys.newSecretKey();
    final MemoryUtxos utxos = new MemoryUtxos();
    final List<Block> chain = new ArrayList<>(List.of(Genesis.of("devnet")));

    static String address(byte[] secret) {
        return Ed25519Keys.address(Ed25519Keys.publicKey(secret));
    }

    Block tip() {
        return chain.getLast();
    }

    Transaction coinbase(long number, String address, long amount) {
        return Transaction.of(List.of(TxInput.coinbase(number)), List.of(new TxOutput(address, amount)));
    }

    /** A block on the tip paying the reward (plus {@code fees}) to alice, carrying {@code txs}. */
    Block next(List<Transaction> txs, long fees) {
        long number = tip().number() + 1;
        List<Transaction> all = new ArrayList<>();
        all.add(coinbase(number, address(alice), PARAMS.rewardAt(number) + fees));
        all.addAll(txs);
        return mine(Block.of(number, tip().hash(), T0 + number * 1000, PARAMS.initialTarget(), 0, all));
    }

    static Block mine(Block block) {
        Block candidate = block;
        candidate = NonceSearch.solve(candidate);
        return candidate;
    }

    /** Validates and applies a block as a node would, extending the chain. */
    UtxoChanges connect(Block block, BlockValidator validator) throws InvalidLedgerObjectException {
        validator.checkStateless(block);
        validator.checkContext(block, parentContext());
        UtxoChanges changes = validator.connectChecked(block, utxos, null); // this block just passed checkStateless
        utxos.apply(changes);
        chain.add(block);
        return changes;
    }

    BlockValidator.ParentContext parentContext() {
        List<Long> times = chain.subList(Math.max(0, chain.size() - PARAMS.medianTimeSpan()), chain.size()).stream()
                .map(Block::time).toList();
        return new BlockValidator.ParentContext(tip().number(), tip().hash(),
                Difficulty.expectedTarget(tip().number() + 1, tip().target(), 0, 0, PARAMS), BlockValidator.medianTime(times));
    }

    /** Grows the chain by {@code count} blocks of only a coinbase. */
    void grow(int count, BlockValidator validator) throws InvalidLedgerObjectException {
        for (int i = 0; i < count; i++) {
            connect(next(List.of(), 0), validator);
        }
    }

    static final class MemoryUtxos implements UtxoView {
        final Map<String, Utxo> byOutpoint = new HashMap<>();

        @Override
        public Optional<Utxo> find(String txId, long index) {
            return Optional.ofNullable(byOutpoint.get(txId + ":" + index));
        }

        void apply(UtxoChanges changes) {
            changes.spent().forEach(u -> byOutpoint.remove(u.txId() + ":" + u.index()));
            changes.created().forEach(u -> byOutpoint.put(u.txId() + ":" + u.index(), u));
        }
    }
}
