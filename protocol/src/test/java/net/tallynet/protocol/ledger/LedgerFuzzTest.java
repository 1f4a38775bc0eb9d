package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.FrameLimits;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.PushTransactionMessage;

/**
 * What a peer's BLOCK and PUSHTRANSACTION frames reach once decoded: the block rules a node runs on
 * arrival and the mempool's transaction rules. Their contract is that a peer can only make them
 * refuse with an {@link InvalidLedgerObjectException}; any other exception escaping is a finding.
 * What they accept must have one canonical encoding and survive relaying. Runs the checked-in seed
 * corpus in the normal test command; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class LedgerFuzzTest {
    // the same small frame limit as FrameCodecFuzzTest: big frames add no new paths, only slow the fuzzer
    private static final FrameCodec CODEC = new FrameCodec(FrameLimits.DEFAULT.withMaxFrameBytes(64 * 1024));
    private static final String NETWORK = Genesis.networkId("devnet");
    private static final ChainParams PARAMS = ChainParams.easy();
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(Genesis.TIME + 3_600_000), ZoneOffset.UTC);
    private static final BlockValidator BLOCKS = new BlockValidator(PARAMS, NETWORK, CLOCK);
    private static final HeaderCheck HEADERS = new HeaderCheck(PARAMS, CLOCK);
    private static final TransactionValidator MEMPOOL = new TransactionValidator(PARAMS, NETWORK);
    // every outpoint is unspent and locked to an address nobody has the key of: the spend rules run up
    // to the key check without an Ed25519 verification per input, which would slow the fuzzer tenfold
    private static final String NOBODY = "00".repeat(20);
    private static final UtxoView EVERYTHING_UNSPENT = (txId, index) ->
            Optional.of(new Utxo(txId, index, NOBODY, index, 1, index % 2 == 0));

    @FuzzTest(maxDuration = "5m")
    void rulesRefuseOnlyWithAReason(byte[] frame) throws InvalidLedgerObjectException {
        if (!(CODEC.decode(frame) instanceof Decoded(var message))) {
            return;
        }
        switch (message) {
            case BlockMessage(Block block) -> {
                checkBlock(block);
                // a fuzzer never finds a header that hashes to its claimed hash: repaired, the
                // block reaches the rules behind the hash check
                checkBlock(Repair.block(block));
            }
            case ListOfBlocksMessage(List<BlockRef> headers) -> {
                checkHeaders(headers);
                // made one linked chain of honest hashes, the headers reach the rules behind the hash check
                checkHeaders(Repair.headers(headers));
            }
            case PushTransactionMessage(List<Transaction> transactions) -> {
                for (Transaction tx : transactions) {
                    checkTransaction(tx);
                    checkTransaction(Repair.transaction(tx));
                }
            }
            default -> {
            }
        }
    }

    private static void checkBlock(Block block) throws InvalidLedgerObjectException {
        try {
            BLOCKS.checkStateless(block);
        } catch (InvalidLedgerObjectException refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        byte[] header = CanonicalEncoding.header(block);
        assertThat(header).hasSize(CanonicalEncoding.HEADER_BYTES).isEqualTo(CanonicalEncoding.header(block));
        assertThat(CanonicalEncoding.blockHash(block)).isEqualTo(block.hash());
        for (Transaction tx : block.transactions()) {
            assertThat(CanonicalEncoding.transaction(tx, true)).isEqualTo(CanonicalEncoding.transaction(tx, true));
            assertThat(CanonicalEncoding.transactionId(tx)).isEqualTo(tx.id());
        }
        // a node relays what it accepted: the relayed frame must decode to the same, still valid, block
        DecodeResult relayed = CODEC.decode(CODEC.encodeToBytes(new BlockMessage(block)));
        assertThat(relayed).isEqualTo(new Decoded(new BlockMessage(block)));
        BLOCKS.checkStateless(block);
        try {
            BLOCKS.connect(block, EVERYTHING_UNSPENT);
        } catch (InvalidLedgerObjectException refused) {
            assertThat(refused.reason()).isNotNull();
        }
    }

    /**
     * Headers first: the header rules refuse a list only with a reason, return the headers that pass
     * in order (stopping at one from the future), and sum their work strictly upwards.
     */
    private static void checkHeaders(List<BlockRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        BlockRef first = refs.getFirst();
        // whatever the first entry claims to follow is known here, as a block of the right height
        KnownHeader parent = new KnownHeader(new BlockRef(Math.max(0, first.number() - 1), first.previousHash(),
                "00".repeat(32), "00".repeat(32), Genesis.TIME, PARAMS.initialTarget(), 0), BigInteger.ONE);
        List<KnownHeader> checked;
        try {
            checked = HEADERS.check(refs, hash -> hash.equals(parent.hash()) ? Optional.of(parent) : Optional.empty());
        } catch (InvalidLedgerObjectException refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        assertThat(checked.size()).isLessThanOrEqualTo(refs.size());
        BigInteger work = parent.chainWork();
        for (int i = 0; i < checked.size(); i++) {
            assertThat(checked.get(i).ref()).isEqualTo(refs.get(i));
            assertThat(checked.get(i).chainWork()).isGreaterThan(work);
            work = checked.get(i).chainWork();
        }
    }

    private static void checkTransaction(Transaction tx) {
        String id = CanonicalEncoding.transactionId(tx);
        assertThat(CanonicalEncoding.transactionId(tx)).isEqualTo(id);
        try {
            SpendRules.checkStateless(tx);
        } catch (InvalidLedgerObjectException refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        assertThat(tx.id()).isEqualTo(id);
        try {
            MEMPOOL.check(tx, EVERYTHING_UNSPENT, 1);
        } catch (InvalidLedgerObjectException refused) {
            assertThat(refused.reason()).isNotNull();
        }
    }

    /** Recomputes what a sender cannot forge (ids, merkle root, block hash) from the rest. */
    private static final class Repair {
        static Transaction transaction(Transaction tx) {
            return Transaction.of(tx.inputs(), tx.outputs());
        }

        /** Each entry's hash from its fields, each linked to the one before and numbered after it. */
        static List<BlockRef> headers(List<BlockRef> refs) {
            List<BlockRef> repaired = new java.util.ArrayList<>(refs.size());
            BlockRef previous = null;
            for (BlockRef ref : refs) {
                long number = previous == null ? ref.number() : previous.number() + 1;
                String parent = previous == null ? ref.previousHash() : previous.hash();
                if (number > net.tallynet.protocol.Limits.MAX_SAFE_INTEGER) {
                    break;
                }
                String hash = CanonicalEncoding.blockHash(number, parent, ref.merkleRoot(), ref.time(), ref.target(),
                        ref.nonce());
                previous = new BlockRef(number, hash, parent, ref.merkleRoot(), ref.time(), ref.target(), ref.nonce());
                repaired.add(previous);
            }
            return repaired;
        }

        static Block block(Block block) {
            List<Transaction> transactions = block.transactions().stream().map(Repair::transaction).toList();
            return Block.of(block.number(), block.previousHash(), block.time(), block.target(), block.nonce(),
                    transactions);
        }
    }
}
