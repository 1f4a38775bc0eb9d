package net.tallynet.node.wallet;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.JournalProperties;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What the node's own REST API accepted survives a kill: each transaction it adds to the mempool is
 * stored, and the database's file brought up to date, before the API answers; it is forgotten once a
 * best-chain block carries it. At start, before the node reports ready, those still stored go back into
 * the mempool (and the relay announces them again until a peer asks for them: a peer is announced only
 * what arrives after its handshake); one that a block now carries, or that no longer fits the chain (its
 * coins spent by another), is forgotten with a log line. A payment whose block is later disconnected by a
 * reorganisation goes back into the mempool, but is no longer stored, nor announced again (as in Bitcoin
 * Core without a wallet).
 */
@Component
public class LocalTransactions implements Ledger.Listener {
    private static final Logger log = LoggerFactory.getLogger(LocalTransactions.class);

    private final LocalTransactionRepository repository;
    private final ChainStore chain;
    private final Ledger ledger;
    private final FrameCodec codec;
    /** Whether "stored" means on the device ({@code tallynet.chain.journal.sync}), not only with the OS. */
    private final boolean toDevice;
    /** Ids stored: a block's transactions are looked up here, not in the database. */
    private final Set<String> stored = ConcurrentHashMap.newKeySet();

    LocalTransactions(LocalTransactionRepository repository, ChainStore chain, Ledger ledger, FrameCodec codec,
                      JournalProperties durability) {
        this.repository = repository;
        this.toDevice = durability.sync();
        this.chain = chain;
        this.ledger = ledger;
        this.codec = codec;
        ledger.addListener(this);
    }

    @Override
    public void transactionAdded(Transaction tx, Object source) {
        if (source == null && stored.add(tx.id())) {
            try {
                repository.save(new LocalTransaction(tx.id(), codec.encodeToBytes(new PushTransactionMessage(List.of(tx))),
                        System.currentTimeMillis()));
                chain.flush(toDevice);
            } catch (RuntimeException e) {
                // it is in the mempool and relayed as usual; only a restart before a block carries it loses it
                stored.remove(tx.id());
                log.error("payment {} was accepted but could not be stored: it will not survive a restart", tx.id(), e);
            }
        }
    }

    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        if (stored.isEmpty()) {
            return;
        }
        List<String> carried = new ArrayList<>();
        for (Block block : connected) {
            for (Transaction tx : block.transactions()) {
                if (stored.remove(tx.id())) {
                    carried.add(tx.id());
                }
            }
        }
        if (!carried.isEmpty()) {
            repository.deleteAllByIdInBatch(carried); // one statement, however many payments a block carries
        }
    }

    /** Puts the stored transactions back into the mempool (runs before the node reports ready). */
    @EventListener(ApplicationReadyEvent.class)
    public void restore() {
        List<LocalTransaction> all = repository.findAll();
        int restored = 0;
        for (LocalTransaction row : all) {
            Transaction tx = decode(row);
            if (tx == null || chain.locate(row.txId()).isPresent()) {
                repository.deleteById(row.txId());
                continue;
            }
            stored.add(row.txId());
            try {
                ledger.acceptTransaction(tx);
                restored++;
            } catch (InvalidLedgerObjectException e) {
                log.warn("payment {} accepted before the restart no longer fits the chain ({}); forgotten", tx.id(),
                        e.getMessage());
                stored.remove(tx.id());
                repository.deleteById(tx.id());
            } catch (Mempool.FullException e) {
                log.warn("payment {} accepted before the restart finds the mempool full; kept for the next start", tx.id());
            }
        }
        if (!all.isEmpty()) {
            log.info("{} of {} payments accepted before the restart are back in the mempool", restored, all.size());
        }
    }

    private Transaction decode(LocalTransaction row) {
        if (codec.decode(row.frame()) instanceof DecodeResult.Decoded(PushTransactionMessage push)
                && push.transactions().size() == 1) {
            return push.transactions().getFirst();
        }
        log.warn("stored payment {} does not decode; forgotten", row.txId());
        return null;
    }
}
