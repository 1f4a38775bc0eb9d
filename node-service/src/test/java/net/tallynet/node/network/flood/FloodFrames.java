package net.tallynet.node.network.flood;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.PushTransactionMessage;

/**
 * The frames flooders send, encoded once before the flood from pools of random variants: encoding
 * and signing inside 80 sending loops would spend the flooders' CPU, on the same 2 cores as the node,
 * on the flooders rather than on the node.
 */
final class FloodFrames {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final HexFormat HEX = HexFormat.of();
    private static final int POOL = 32;
    /** Unsolicited lists are kept small enough that a paced flooder stays inside the byte budget (16 MiB/s). */
    private static final int LIST_ENTRIES = 200;
    private static final int TRANSACTIONS_PER_PUSH = 50;

    private final List<String> listFromGenesis;
    private final List<String> getBlocks = new ArrayList<>();
    private final List<String> garbage = new ArrayList<>();
    private final List<String> unsolicitedLists = new ArrayList<>();
    private final List<String> junkTransactions = new ArrayList<>();
    private final List<String> junkTransactionsWithBadIds = new ArrayList<>();
    private final String oversized;

    FloodFrames(String genesisHash, long height, int maxFrameBytes) {
        Random random = new Random(11);
        listFromGenesis = List.of(CODEC.encode(new GetListOfBlocksMessage(0, List.of(genesisHash))));
        for (int i = 0; i < POOL; i++) {
            getBlocks.add(CODEC.encode(GetBlockMessage.byNumber(random.nextLong(height + 1))));
            garbage.add("{\"GETBLOCK\":" + hex(random, 16) + "}"); // not JSON: a bare hex word as the payload
            unsolicitedLists.add(CODEC.encode(new ListOfBlocksMessage(madeUpChain(random, genesisHash))));
            junkTransactions.add(CODEC.encode(new PushTransactionMessage(junk(random, false))));
            junkTransactionsWithBadIds.add(CODEC.encode(new PushTransactionMessage(junk(random, i % 4 == 0))));
        }
        oversized = "x".repeat(maxFrameBytes + 1);
    }

    /** The {@code n}th frame a flooder of {@code kind} sends on one connection; null for IDLE. */
    String frame(FloodKind kind, boolean paced, int n) {
        return switch (kind) {
            case LIST_FROM_GENESIS -> listFromGenesis.getFirst();
            case GETBLOCK_RANDOM -> getBlocks.get(n % POOL);
            case GARBAGE -> garbage.get(n % POOL);
            case UNSOLICITED_LIST -> unsolicitedLists.get(n % POOL);
            // paced junk stays uncharged (unknown inputs are an honest mistake), so it keeps arriving for the whole flood
            case JUNK_TRANSACTIONS -> (paced ? junkTransactions : junkTransactionsWithBadIds).get(n % POOL);
            case IDLE -> null;
        };
    }

    /** A text frame one byte over the node's frame limit: refused (1009) as soon as its size passes the limit. */
    String oversized() {
        return oversized;
    }

    private static List<BlockRef> madeUpChain(Random random, String genesisHash) {
        List<BlockRef> refs = new ArrayList<>(LIST_ENTRIES);
        String previous = genesisHash;
        for (int number = 1; number <= LIST_ENTRIES; number++) {
            String hash = hex(random, 32);
            refs.add(new BlockRef(number, hash, previous, hex(random, 32), number, hex(random, 32), number));
            previous = hash;
        }
        return refs;
    }

    private static List<Transaction> junk(Random random, boolean oneWithBadId) {
        List<Transaction> transactions = new ArrayList<>(TRANSACTIONS_PER_PUSH);
        for (int i = 0; i < TRANSACTIONS_PER_PUSH; i++) {
            List<TxInput> inputs = List.of(new TxInput(hex(random, 32), 0, hex(random, 32), hex(random, 64)));
            List<TxOutput> outputs = List.of(new TxOutput(hex(random, 20), 1000));
            transactions.add(oneWithBadId && i == 0 ? new Transaction(hex(random, 32), inputs, outputs)
                    : Transaction.of(inputs, outputs));
        }
        return transactions;
    }

    private static String hex(Random random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HEX.formatHex(value);
    }
}
