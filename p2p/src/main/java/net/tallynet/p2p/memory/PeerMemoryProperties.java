package net.tallynet.p2p.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The one peer memory budget ({@code tallynet.peers.memory.*}, PROTOCOL.md 8).
 *
 * @param total       what all peers together may make the process keep; unset, {@code heapPercent} of the
 *                    maximum heap (a quarter: 64 MiB at the devnet's -Xmx256m, 96 MiB at -Xmx384m), so the
 *                    budget follows the memory an operator gives the process
 * @param heapPercent the share of the maximum heap the total takes when {@code total} is unset
 * @param perPeer     what one peer may make the process keep before it is dropped ({@code memory_budget}).
 *                    16 MiB: an honest peer's largest frame in parts (4 MiB), a full send queue (5 MiB),
 *                    blocks waiting for a parent and queued headers fit; a peer pressing every part at once does not
 */
@ConfigurationProperties("tallynet.peers.memory")
public record PeerMemoryProperties(DataSize total, @DefaultValue("25") int heapPercent,
                                   @DefaultValue("16MB") DataSize perPeer) {

    public PeerMemoryProperties {
        if (heapPercent < 1 || heapPercent > 90 || perPeer.toBytes() < 1 || (total != null && total.toBytes() < 1)) {
            throw new IllegalArgumentException("invalid tallynet.peers.memory settings");
        }
    }

    /** The total in bytes: the one set, or the share of {@code maxHeapBytes}. */
    public long totalBytes(long maxHeapBytes) {
        return total != null ? total.toBytes() : maxHeapBytes / 100 * heapPercent;
    }
}
