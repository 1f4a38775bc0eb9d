package net.tallynet.node.wallet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.JournalProperties;
import net.tallynet.node.chain.StoredHeader;
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
 * best-chain block carries it {@value #FORGET_DEPTH} blocks deep. A payment whose block a reorganisation
 * disconnects before that goes back into the mempool (the ledger does that) still stored, so a restart
 * does not lose it (before 2026-12-07 it was forgotten at the first block, as in Bitcoin Core without a
 * wallet). At start, before the node reports ready, those not carried go back into the mempool (and the
 * relay announces them again until a peer asks for them: a peer is announced only what arrives after its
 * handshake); one that no longer fits the chain (its coins spent by another) is forgotten with a log line.
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
    /**
     * How deep a block carrying one must be before it is forgotten: deeper reorganisations than this are
     * not what a network of honest miners produces (Bitcoin's coinbase maturity, 100 blocks, rests on the same).
     */
    static final int FORGET_DEPTH = 100;

    /** Ids stored and not carried by the best chain: a block's transactions are looked up here, not in the database. */
    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    /** Ids stored and carried by a best-chain block, with its height, until it is {@link #FORGET_DEPTH} deep. */
    private final Map<String, Long> carried = new ConcurrentHashMap<>();

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
                return;
            }
            // told late (listeners hear of moves made on other threads in either order), after the block that carries
            // it was told of: no later block will carry it, so it would stay pending until a restart. While the mempool
            // holds it no block has carried it (a connect takes its transactions out of the pool under the chain's
            // lock), so only a payment gone from the pool costs a look-up in the chain (a query where the index misses)
            if (ledger.mempool().find(tx.id()).isEmpty()) {
                carriedNow(tx.id());
            }
        }
    }

    /**
     * A payment taken as pending that the best chain carries after all becomes carried, at its block's height. A look-up
     * that fails (the database) leaves it pending, logged: it is only kept longer, and the ledger's caller and the
     * listeners after this one are still told of it, which a listener's exception would stop.
     */
    private void carriedNow(String txId) {
        Optional<Long> height;
        try {
            height = carriedAt(txId);
        } catch (RuntimeException e) {
            log.warn("payment {}: could not ask the chain whether a block carries it; kept as pending", txId, e);
            return;
        }
        if (height.isPresent() && stored.remove(txId)) {
            carried.put(txId, height.get());
        }
    }

    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        if (stored.isEmpty() && carried.isEmpty()) {
            return;
        }
        for (Block block : connected) {
            for (Transaction tx : block.transactions()) {
                if (stored.remove(tx.id())) {
                    carried.put(tx.id(), block.number());
                }
            }
        }
        long tip = connected.getLast().number();
        List<String> buried = new ArrayList<>();
        for (Map.Entry<String, Long> entry : carried.entrySet()) {
            if (buried(entry.getValue(), tip)) {
                // asked again before the row goes: listeners hear of two chain moves on two threads in either
                // order, so a block recorded here may have left the best chain already (once per payment)
                Optional<Long> height = carriedAt(entry.getKey());
                if (height.isEmpty()) {
                    carried.remove(entry.getKey());
                    stored.add(entry.getKey());
                } else if (!buried(height.get(), tip)) {
                    entry.setValue(height.get());
                } else {
                    buried.add(entry.getKey());
                }
            }
        }
        if (!buried.isEmpty()) {
            repository.deleteAllByIdInBatch(buried); // one statement, however many payments a block carries
            buried.forEach(carried::remove);
        }
    }

    /** Whether a block at {@code height} is deep enough under {@code tip} for its payments to be forgotten. */
    private static boolean buried(long height, long tip) {
        return height <= tip - FORGET_DEPTH;
    }

    /** The height of the best-chain block that carries this transaction, if one does. */
    private Optional<Long> carriedAt(String txId) {
        return chain.locate(txId).flatMap(location -> chain.storedHeader(location.blockHash())).map(StoredHeader::number);
    }

    /**
     * Called before the new branch's {@link #blocksConnected}: what the old branch carried is pending again, unless the
     * chain, asked, carries it still: told late, after a move back to a branch that carries it (whose blocks were told
     * of first and found it carried already), or carried by the new branch too (then at the height there).
     */
    @Override
    public void reorganised(List<Block> disconnected, List<Block> connected) {
        for (Block block : disconnected) {
            for (Transaction tx : block.transactions()) {
                if (carried.remove(tx.id()) != null) {
                    stored.add(tx.id());
                    carriedNow(tx.id());
                }
            }
        }
    }

    /** Puts the stored transactions back into the mempool (runs before the node reports ready). */
    @EventListener(ApplicationReadyEvent.class)
    public void restore() {
        List<LocalTransaction> all = repository.findAll();
        int restored = 0;
        long tip = chain.tip().number();
        for (LocalTransaction row : all) {
            Transaction tx = decode(row);
            Optional<Long> carriedAt = carriedAt(row.txId());
            if (tx == null || carriedAt.filter(height -> buried(height, tip)).isPresent()) {
                repository.deleteById(row.txId());
                continue;
            }
            if (carriedAt.isPresent()) {
                carried.put(row.txId(), carriedAt.get());
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
            log.info("{} of {} payments accepted before the restart are back in the mempool ({} in blocks less than {} deep)",
                    restored, all.size(), carried.size(), FORGET_DEPTH);
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
