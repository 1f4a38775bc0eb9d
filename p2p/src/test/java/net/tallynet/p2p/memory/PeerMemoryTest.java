package net.tallynet.p2p.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class PeerMemoryTest {

    @Test
    void aShareTakesUpToItsBoundAndNothingPastIt() {
        PeerMemory memory = new PeerMemory(10_000, 1_000);
        PeerMemory.Share share = memory.open();
        assertThat(share.take(PeerMemory.Part.SENDING, 600)).isTrue();
        assertThat(share.take(PeerMemory.Part.ASSEMBLING, 500)).as("600 + 500 passes the share of 1,000").isFalse();
        assertThat(share.held()).isEqualTo(600);
        assertThat(share.take(PeerMemory.Part.ASSEMBLING, 400)).isTrue();
        assertThat(memory.used()).isEqualTo(1_000);
        assertThat(memory.used(PeerMemory.Part.ASSEMBLING)).isEqualTo(400);
    }

    @Test
    void allSharesCountAgainstOneTotalThatPartsAskBeforeTakingWhatTheyCanGoWithout() {
        PeerMemory memory = new PeerMemory(2_000, 1_500);
        PeerMemory.Share a = memory.open();
        PeerMemory.Share b = memory.open();
        a.take(PeerMemory.Part.HELD_BLOCKS, 1_200);
        b.take(PeerMemory.Part.SENDING, 500);
        assertThat(memory.fits(300)).isTrue();
        assertThat(memory.fits(301)).isFalse();
        a.give(PeerMemory.Part.HELD_BLOCKS, 1_200);
        assertThat(memory.fits(1_500)).isTrue();
    }

    @Test
    void closingGivesEverythingBackAndLateGivesOrTakesChangeNothing() {
        PeerMemory memory = new PeerMemory(10_000, 5_000);
        PeerMemory.Share share = memory.open();
        share.take(PeerMemory.Part.CONNECTION, 100);
        share.take(PeerMemory.Part.SENDING, 2_000);
        share.take(PeerMemory.Part.QUEUED_HEADERS, 768);
        share.close();
        assertThat(memory.used()).isZero();
        share.give(PeerMemory.Part.SENDING, 2_000); // a writer finishing after the close
        assertThat(share.take(PeerMemory.Part.SENDING, 1)).as("closed shares take nothing").isFalse();
        assertThat(memory.used()).isZero();
        for (PeerMemory.Part part : PeerMemory.Part.values()) {
            assertThat(memory.used(part)).as(part.name()).isZero();
        }
    }

    @Test
    void aShareNeverGivesBackMoreThanItHeld() {
        PeerMemory memory = new PeerMemory(10_000, 5_000);
        PeerMemory.Share share = memory.open();
        PeerMemory.Share other = memory.open();
        other.take(PeerMemory.Part.SENDING, 1_000);
        share.take(PeerMemory.Part.SENDING, 100);
        share.give(PeerMemory.Part.SENDING, 500);
        assertThat(memory.used()).as("only the 100 it held went back").isEqualTo(1_000);
    }

    @Test
    void theGaugesShowEachPartAndTheBounds() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PeerMemory memory = new PeerMemory(10_000, 5_000, meters);
        memory.open().take(PeerMemory.Part.HELD_BLOCKS, 1_234);
        assertThat(meters.get("tallynet.peers.memory").tag("part", "held_blocks").gauge().value()).isEqualTo(1_234);
        assertThat(meters.get("tallynet.peers.memory.limit").gauge().value()).isEqualTo(10_000);
        assertThat(meters.get("tallynet.peers.memory.share").gauge().value()).isEqualTo(5_000);
    }

    @Test
    void theTotalFollowsTheHeapUnlessSet() {
        PeerMemoryProperties unset = new PeerMemoryProperties(null, 25,
                org.springframework.util.unit.DataSize.ofMegabytes(16));
        assertThat(unset.totalBytes(384L << 20)).isEqualTo((384L << 20) / 100 * 25);
        PeerMemoryProperties set = new PeerMemoryProperties(org.springframework.util.unit.DataSize.ofMegabytes(64), 25,
                org.springframework.util.unit.DataSize.ofMegabytes(16));
        assertThat(set.totalBytes(384L << 20)).isEqualTo(64L << 20);
    }
}
