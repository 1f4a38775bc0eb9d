package net.tallynet.node.chain;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The block journal ({@code tallynet.chain.journal.*}, {@link BlockJournal}).
 *
 * @param sync               force every journal append to the device: with it a power cut, not only a
 *                           killed process, loses no block the node reported; it costs a device flush per block
 * @param checkpointInterval how often the database's file is brought up to date and the journal emptied:
 *                           what a restart after a kill replays at most
 */
@ConfigurationProperties("tallynet.chain.journal")
public record JournalProperties(@DefaultValue("false") boolean sync, @DefaultValue("10s") Duration checkpointInterval) {

    public JournalProperties {
        if (!checkpointInterval.isPositive()) {
            throw new IllegalArgumentException("tallynet.chain.journal.checkpoint-interval must be positive, was "
                    + checkpointInterval);
        }
    }
}
