package net.tallynet.protocol.message;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;

/**
 * Compact block relay (PROTOCOL.md 12.1): a block as its header, the short ids of the transactions
 * the receiver probably has (in block order, skipping the prefilled positions) and the transactions
 * it cannot have (the coinbase at least), at their positions. The receiver rebuilds the block from
 * its mempool and asks GETBLOCKTXN for what it lacks.
 *
 * @param salt     keys the short ids together with the block hash ({@link ShortIds})
 * @param shortIds 12 hex digits each; their order fills the block's positions left free by {@code prefilled}
 * @param prefilled whole transactions by position, positions strictly rising, the first at 0 (the coinbase)
 */
public record CompactBlockMessage(long number, String hash, String previousHash, String merkleRoot, long time,
                                  String target, long nonce, long salt, List<String> shortIds,
                                  List<PrefilledTransaction> prefilled) implements Message {

    public CompactBlockMessage {
        Check.header(number, hash, previousHash, merkleRoot, time, target, nonce);
        Check.range("salt", salt, 0, Limits.MAX_SAFE_INTEGER);
        shortIds = Check.list("shortIds", shortIds, 0, Limits.MAX_BLOCK_TRANSACTIONS - 1);
        shortIds.forEach(id -> Check.hex("shortIds[]", id, ShortIds.BYTES, ShortIds.BYTES));
        prefilled = Check.list("prefilled", prefilled, 1, Limits.MAX_BLOCK_TRANSACTIONS);
        int total = shortIds.size() + prefilled.size();
        if (total > Limits.MAX_BLOCK_TRANSACTIONS) {
            throw new InvalidMessageException(RejectReason.LIST_TOO_LONG, "shortIds and prefilled hold " + total
                    + " transactions, more than a block's " + Limits.MAX_BLOCK_TRANSACTIONS);
        }
        if (prefilled.getFirst().index() != 0) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "prefilled must start with the coinbase, at 0");
        }
        for (int i = 1; i < prefilled.size(); i++) {
            if (prefilled.get(i).index() <= prefilled.get(i - 1).index()) {
                throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "prefilled positions must rise");
            }
        }
        if (prefilled.getLast().index() >= total) {
            throw new InvalidMessageException(RejectReason.OUT_OF_RANGE, "prefilled position "
                    + prefilled.getLast().index() + " is past the block's " + total + " transactions");
        }
    }

    /** The compact form of a block with only its coinbase prefilled. */
    public static CompactBlockMessage of(Block block, long salt) {
        ShortIds ids = new ShortIds(block.hash(), salt);
        List<Transaction> transactions = block.transactions();
        List<String> shortIds = new ArrayList<>(transactions.size() - 1);
        for (Transaction tx : transactions.subList(1, transactions.size())) {
            shortIds.add(ids.hexOf(tx.id()));
        }
        return new CompactBlockMessage(block.number(), block.hash(), block.previousHash(), block.merkleRoot(),
                block.time(), block.target(), block.nonce(), salt, shortIds,
                List.of(new PrefilledTransaction(0, transactions.getFirst())));
    }

    /** How many transactions the block holds. */
    public int transactionCount() {
        return shortIds.size() + prefilled.size();
    }

    /** The block with these transactions, in order (the receiver checks the merkle root and the hash). */
    public Block toBlock(List<Transaction> transactions) {
        return new Block(number, hash, previousHash, merkleRoot, time, target, nonce, transactions);
    }

    @Override
    public Method method() {
        return Method.COMPACTBLOCK;
    }
}
