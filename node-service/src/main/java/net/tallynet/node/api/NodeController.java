package net.tallynet.node.api;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import java.util.NoSuchElementException;
import net.tallynet.node.chain.BlockSummary;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredHeader;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.BlockAssembler;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.p2p.http.ApiException;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.OptionalField;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The node's REST API (operating contract): chain, blocks, transactions, mempool, wallet, payments, mining. */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class NodeController {
    /** Most blocks one generate call mines: bounds the work a single request can order. */
    static final int MAX_GENERATE = 1000;

    private final Ledger ledger;
    private final ChainStore store;
    private final Wallet wallet;
    private final Miner miner;
    private final ChainParams params;
    private final FrameCodec codec;
    private final TransactionExplorer transactions;
    private final BlockAssembler assembler;

    public NodeController(Ledger ledger, ChainStore store, Wallet wallet, Miner miner, ChainParams params, FrameCodec codec,
                          TransactionExplorer transactions, BlockAssembler assembler) {
        this.ledger = ledger;
        this.store = store;
        this.wallet = wallet;
        this.miner = miner;
        this.params = params;
        this.codec = codec;
        this.transactions = transactions;
        this.assembler = assembler;
    }

    public record ChainSummary(long height, long blockCount, String bestHash, String work, double difficulty,
                               String target) {
    }

    @GetMapping("/chain")
    public ChainSummary chain() {
        StoredHeader tip = store.tip();
        BigDecimal difficulty = new BigDecimal(new BigInteger(params.maxTarget(), 16))
                .divide(new BigDecimal(new BigInteger(tip.target(), 16).max(BigInteger.ONE)), MathContext.DECIMAL64);
        return new ChainSummary(tip.number(), tip.number() + 1, tip.hash(), new BigInteger(tip.chainWork(), 16).toString(),
                difficulty.doubleValue(), tip.target());
    }

    /** Most headers one {@code GET /api/blocks} lists. */
    static final int MAX_LISTED_BLOCKS = 50;

    /** The newest best-chain blocks at or below {@code to} (default: the tip), newest first, headers only. */
    @GetMapping("/blocks")
    public List<BlockSummary> blocks(@RequestParam(required = false) Long to, @RequestParam(defaultValue = "10") int limit) {
        if (limit < 1 || limit > MAX_LISTED_BLOCKS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LISTED_BLOCKS);
        }
        long top = Math.min(to == null ? Long.MAX_VALUE : to, store.tip().number());
        if (top < 0) {
            throw new IllegalArgumentException("to must not be negative");
        }
        return store.mainChainSummaries(Math.max(0, top - limit + 1), top);
    }

    /** A block of the best chain by number, or any stored block by hash; the body is the block's canonical JSON. */
    @GetMapping("/blocks/{numberOrHash}")
    public ResponseEntity<String> block(@PathVariable String numberOrHash) {
        String hash;
        if (numberOrHash.length() == 64) {
            hash = Check.hash("hash", numberOrHash);
        } else {
            long number;
            try {
                number = Long.parseLong(numberOrHash);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a block number or a 64-character hash, not " + abbreviate(numberOrHash));
            }
            hash = store.mainChainAt(number).orElseThrow(() -> new NoSuchElementException("no block " + number)).hash();
        }
        Block block = store.block(hash).orElseThrow(() -> new NoSuchElementException("no block " + hash));
        return ResponseEntity.ok(codec.toJson(block));
    }

    @GetMapping("/transactions/{id}")
    public TransactionExplorer.TransactionView transaction(@PathVariable String id) {
        return transactions.find(Check.hash("id", id));
    }

    public record MempoolEntry(String id, long fee, int size, double feeRate) {
        static MempoolEntry of(Mempool.Entry entry) {
            return new MempoolEntry(entry.tx().id(), entry.fee(), entry.size(), entry.feeRate());
        }
    }

    /** What the next block would carry now: the best fee rates that fit, parents before children. */
    public record NextBlock(int count, long bytes, long fees, List<String> ids) {
    }

    public record MempoolView(int count, long bytes, List<MempoolEntry> transactions, NextBlock nextBlock) {
    }

    @GetMapping("/mempool")
    public MempoolView mempool() {
        Mempool mempool = ledger.mempool();
        List<Mempool.Entry> next = assembler.nextTransactions();
        return new MempoolView(mempool.size(), mempool.bytes(), mempool.entries().stream().map(MempoolEntry::of).toList(),
                new NextBlock(next.size(), next.stream().mapToLong(Mempool.Entry::size).sum(),
                        next.stream().mapToLong(Mempool.Entry::fee).sum(), next.stream().map(e -> e.tx().id()).toList()));
    }

    public record WalletView(String address, long balance) {
    }

    @GetMapping("/wallet")
    public WalletView wallet() {
        return new WalletView(wallet.address(), wallet.balance());
    }

    /**
     * A payment from the node's wallet; every field required, amounts in integer units (1 coin = 10^8),
     * read strictly ({@code StrictJsonReader}): {@code 1000.5}, {@code "1000"} or a missing fee are refused.
     */
    public record PaymentRequest(String to, long amount, long fee) {
        public PaymentRequest {
            Check.hex("to", to, 20, 20);
            Check.range("amount", amount, 1, Limits.MAX_MONEY);
            Check.range("fee", fee, 0, Limits.MAX_MONEY);
        }
    }

    public record Submitted(String id, String status) {
    }

    @PostMapping(path = "/payments", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Submitted pay(@RequestBody PaymentRequest request) throws InvalidLedgerObjectException, Mempool.FullException {
        Transaction tx = wallet.pay(request.to(), request.amount(), request.fee());
        return new Submitted(tx.id(), ledger.acceptTransaction(tx).name().toLowerCase());
    }

    /** A raw signed transaction in its JSON form (PROTOCOL.md 5.2), checked by the same strict codec as a peer's. */
    @PostMapping(path = "/transactions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Submitted submit(@io.swagger.v3.oas.annotations.parameters.RequestBody(description = "one signed transaction in "
            + "its wire JSON form (PROTOCOL.md 5.2), read by the frame codec: unknown fields ignored, as from a peer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
                            @RequestBody String transactionJson) throws InvalidLedgerObjectException, Mempool.FullException {
        DecodeResult decoded = codec.decode("{\"PUSHTRANSACTION\":{\"transactions\":[" + transactionJson + "]}}");
        if (!(decoded instanceof DecodeResult.Decoded(PushTransactionMessage push))) {
            DecodeResult.Rejected rejected = (DecodeResult.Rejected) decoded;
            // the detail's path starts inside the frame this endpoint wraps the body in
            throw new ApiException(400, rejected.reason().label(), rejected.detail().replaceFirst("^transactions\\[0\\]\\.?", ""));
        }
        // the body is spliced into a frame: insist it was exactly one transaction, not a list smuggled in
        if (push.transactions().size() != 1) {
            throw new IllegalArgumentException("the body must be exactly one transaction");
        }
        Transaction tx = push.transactions().getFirst();
        return new Submitted(tx.id(), ledger.acceptTransaction(tx).name().toLowerCase());
    }

    /** {@code count} blocks (1 to 1000, required) paying {@code to}, or the node's wallet when absent. */
    public record GenerateRequest(int count, @OptionalField String to) {
        public GenerateRequest {
            Check.range("count", count, 1, MAX_GENERATE);
            if (to != null) {
                Check.hex("to", to, 20, 20);
            }
        }
    }

    public record Generated(List<String> hashes) {
    }

    @PostMapping(path = "/blocks/generate", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Generated generate(@RequestBody GenerateRequest request) throws InvalidLedgerObjectException {
        return new Generated(miner.generate(request.count(), request.to()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "...";
    }
}
