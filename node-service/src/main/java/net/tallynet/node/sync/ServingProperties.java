package net.tallynet.node.sync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What this node serves to peers per second ({@code tallynet.serving.*}, PROTOCOL.md 6): the requests
 * that cost it reads and encoding, per peer and for all peers together, so no one peer and no crowd
 * of them can keep the disk and the CPU busy. A request over a budget is left unanswered, as for a
 * block we do not have: the asker moves on to another peer (7.3).
 *
 * @param listsPerSecond           GETLISTOFBLOCKS answered per peer per second (our own sync asks one at a time)
 * @param listBurst                of those, at once
 * @param totalListsPerSecond      GETLISTOFBLOCKS answered per second to all peers together
 * @param blockBytesPerSecond      bytes of BLOCK and PUSHTRANSACTION answers to GETBLOCK per peer per second
 * @param blockByteBurst           of those, at once: at least the frame limit ({@code tallynet.peers.max-frame-bytes}),
 *                                 or the largest blocks could never be served
 * @param totalBlockBytesPerSecond bytes of those answers per second to all peers together
 * @param blocksPerSecond          blocks looked up for one peer's GETBLOCKs per second (by hash, number or
 *                                 each of a batch's hashes, found or not), also its burst: with block batches
 *                                 (PROTOCOL.md 12.2) one request names 128, so the message rate no longer
 *                                 bounds the reads a peer makes us do, and small blocks hardly touch the bytes
 * @param totalBlocksPerSecond     of those, for all peers together (also the burst): a batch's later parts are
 *                                 read off the work threads that bound the rest (PROTOCOL.md 8)
 */
@ConfigurationProperties("tallynet.serving")
public record ServingProperties(@DefaultValue("5") int listsPerSecond, @DefaultValue("10") int listBurst,
                                @DefaultValue("50") int totalListsPerSecond,
                                @DefaultValue("33554432") long blockBytesPerSecond,
                                @DefaultValue("67108864") long blockByteBurst,
                                @DefaultValue("134217728") long totalBlockBytesPerSecond,
                                @DefaultValue("4000") int blocksPerSecond,
                                @DefaultValue("16000") int totalBlocksPerSecond) {

    public ServingProperties {
        if (listsPerSecond < 1 || listBurst < listsPerSecond || totalListsPerSecond < listsPerSecond
                || blockBytesPerSecond < 1 || blocksPerSecond < 1 || totalBlocksPerSecond < blocksPerSecond || blockByteBurst < 1 || totalBlockBytesPerSecond < blockByteBurst) {
            throw new IllegalArgumentException("invalid tallynet.serving settings");
        }
    }
}
