package net.tallynet.node.sync;

import java.time.Duration;
import net.tallynet.protocol.Limits;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Block download during sync and transaction relay ({@code tallynet.sync.*}, PROTOCOL.md 7.3, 7.5).
 *
 * @param fetchWindow           blocks asked of one peer and not yet delivered, at most; a peer with blocks in flight is
 *                              asked for more once at most half the window is left, then up to the window again
 *                              (to a peer with block batches, in one frame)
 * @param downloadWindow        requests go only to the first this many blocks still wanted and not yet received,
 *                              so the blocks in flight stay close to the chain we are connecting
 * @param fetchTimeout          a peer with requests outstanding that delivers nothing for this long has
 *                              stalled: its requests go to other peers. Long enough to cover our own
 *                              validation of the blocks queued ahead of them
 * @param maxStalls             stalls in a row after which the peer is disconnected ({@code stalled})
 * @param maxQueued             most blocks queued for fetching: what peers list beyond it is asked for again later
 * @param maxOrphanTransactions transactions in blocks held for a missing parent, at most
 * @param progressInterval      how often the sync progress line is logged while behind
 * @param maxQueuedPerPeer      most queued blocks one peer's lists may add: a peer that lists blocks it never
 *                              serves takes at most this share. Two full lists, so a sync from one peer
 *                              always has the next list's blocks queued before the last run out
 *                              ({@code Limits.MAX_LIST_OF_BLOCKS} is 2000)
 * @param maxHeldBytes          bytes of blocks held for a missing parent, at most (as sent, canonical JSON)
 * @param maxHeldBytesPerPeer   of those, bytes delivered by one peer, at most
 * @param transactionSignaturesPerSecond signature checks a peer's pushed transactions may cost us, sustained:
 *                              far above what the chain can confirm, so only a flood runs out
 * @param transactionSignatureBurst      the same at once; at least one transaction's largest input count
 * @param recentRejects         transaction ids remembered as refused until the next block (not fetched or checked again)
 * @param transactionRequestTimeout a transaction asked for and not delivered within this is asked from the next
 *                              peer that announced it; until then no other peer is asked for it
 * @param maxPresyncLists       full lists of headers a pre-sync may count before its branch must have more work than
 *                              our tip (PROTOCOL.md 7.7): 50 lists are 100,000 headers, ten times the default fork
 *                              depth. A branch still behind after them is left, and nothing more is asked for it
 * @param requestsPerSecond     GETBLOCK frames sent to one peer per second, at most: a receiver closes a connection
 *                              past {@code tallynet.peers.messages-per-second} (200 by default; PROTOCOL.md 6), and a
 *                              fast sync must not look like a flood. One block per frame to a peer without block
 *                              batches, so this bounds a sync from such a peer; to one with them a frame carries up
 *                              to 128 blocks
 * @param blockBatches          list block-batches/1 in HELLO, answer GETBLOCK {@code hashes} from peers that list it
 *                              too, and ask them for blocks that way (PROTOCOL.md 12.2); off, one block per GETBLOCK
 */
@ConfigurationProperties("tallynet.sync")
public record SyncProperties(@DefaultValue("32") int fetchWindow, @DefaultValue("512") int downloadWindow,
                             @DefaultValue("20s") Duration fetchTimeout, @DefaultValue("3") int maxStalls,
                             @DefaultValue("20000") int maxQueued,
                             @DefaultValue("200000") long maxOrphanTransactions,
                             @DefaultValue("5s") Duration progressInterval,
                             @DefaultValue("5000") int maxQueuedPerPeer,
                             @DefaultValue("33554432") long maxHeldBytes,
                             @DefaultValue("8388608") long maxHeldBytesPerPeer,
                             @DefaultValue("1000") int transactionSignaturesPerSecond,
                             @DefaultValue("10000") int transactionSignatureBurst,
                             @DefaultValue("20000") int recentRejects,
                             @DefaultValue("10s") Duration transactionRequestTimeout,
                             @DefaultValue("50") int maxPresyncLists,
                             @DefaultValue("150") int requestsPerSecond,
                             @DefaultValue("true") boolean blockBatches) {

    public SyncProperties {
        if (fetchWindow < 1 || fetchWindow > 1000 || downloadWindow < fetchWindow || maxStalls < 1
                || maxQueued < downloadWindow || maxOrphanTransactions < 10_000 || fetchTimeout.toMillis() < 100
                || progressInterval.toMillis() < 100 || maxQueuedPerPeer < 1 || maxQueuedPerPeer > maxQueued
                || maxHeldBytesPerPeer < 1 || maxHeldBytes < maxHeldBytesPerPeer
                || transactionSignaturesPerSecond < 1
                || transactionSignatureBurst < Limits.MAX_TX_INPUTS || recentRejects < 1
                || transactionRequestTimeout.toMillis() < 100 || maxPresyncLists < 1 || requestsPerSecond < 1) {
            throw new IllegalArgumentException("invalid tallynet.sync settings");
        }
    }

    public static SyncProperties defaults() {
        return new SyncProperties(32, 512, Duration.ofSeconds(20), 3, 20_000, 200_000, Duration.ofSeconds(5),
                5_000, 33_554_432L, 8_388_608L, 1000, 10_000, 20_000, Duration.ofSeconds(10), 50, 150, true);
    }
}
