package net.tallynet.node.mining;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.NonceSearch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Proof of work. The background threads rebuild their candidate whenever the tip or the mempool
 * changes (checked between short nonce runs); {@link #generate} mines blocks on demand for tests
 * and benchmarks, whether or not the background miner runs.
 */
public class Miner implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(Miner.class);
    /** Nonces tried before looking whether the tip or the mempool changed (well under a second). */
    private static final int NONCES_PER_CHECK = 100_000;

    private final BlockAssembler assembler;
    private final Ledger ledger;
    private final Wallet wallet;
    private final MiningProperties properties;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public Miner(BlockAssembler assembler, Ledger ledger, Wallet wallet, MiningProperties properties) {
        this.assembler = assembler;
        this.ledger = ledger;
        this.wallet = wallet;
        this.properties = properties;
    }

    /** Mines {@code count} blocks on the tip, paying {@code payTo} (the wallet when null); returns their hashes. */
    public List<String> generate(int count, String payTo) throws InvalidLedgerObjectException {
        List<String> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Block block = null;
            while (block == null) {
                block = search(payTo == null ? wallet.address() : payTo, Long.MAX_VALUE, () -> true);
            }
            ledger.acceptBlock(block);
            hashes.add(block.hash());
        }
        return hashes;
    }

    /**
     * Tries nonces on a fresh candidate until one works, the tip or mempool moves, {@code maxRuns}
     * runs pass, or {@code keepGoing} says stop (checked between runs).
     */
    private Block search(String payTo, long maxRuns, java.util.function.BooleanSupplier keepGoing) {
        Block candidate = assembler.candidate(payTo, ThreadLocalRandom.current().nextLong(Limits.MAX_SAFE_INTEGER / 2));
        String tip = candidate.previousHash();
        int mempoolSize = ledger.mempool().size();
        NonceSearch nonces = new NonceSearch(candidate);
        for (long run = 0; run < maxRuns && !nonces.exhausted(); run++) {
            Block solved = nonces.tryNonces(NONCES_PER_CHECK);
            if (solved != null) {
                return solved;
            }
            if (!keepGoing.getAsBoolean() || !ledger.chain().tip().hash().equals(tip)
                    || ledger.mempool().size() != mempoolSize) {
                return null; // stale: rebuild on the new tip or with the new transactions
            }
        }
        return null;
    }

    private void mine() {
        while (running) {
            try {
                Block block = search(wallet.address(), 50, () -> running);
                if (block != null && running) {
                    ledger.acceptBlock(block);
                }
            } catch (InvalidLedgerObjectException e) {
                // a template is built from the mempool: one that no longer fits the chain is removed, so the
                // next template differs instead of being mined and refused again, round after round
                log.warn("mined block refused: {}", e.getMessage());
                try {
                    int removed = ledger.revalidateMempool();
                    log.warn("{} pooled transactions no longer fit the chain and were removed", removed);
                } catch (RuntimeException again) {
                    log.warn("miner error; retrying", again);
                }
            } catch (RuntimeException e) {
                log.warn("miner error; retrying", e);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (properties.enabled() && !running) {
            running = true;
            for (int i = 0; i < properties.threads(); i++) {
                threads.add(Thread.ofPlatform().name("miner-" + i).daemon().start(this::mine));
            }
            log.info("mining with {} threads to {}", properties.threads(), wallet.address());
        }
    }

    /** Stops mining and waits for the threads: after this returns, the miner connects no more blocks. */
    @Override
    public synchronized void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
