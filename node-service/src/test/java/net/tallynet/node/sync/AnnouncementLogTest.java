package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The relay's backlog: each reader takes what arrived since its position; a reader left far behind skips what is gone. */
class AnnouncementLogTest {
    @Test
    void aReaderGetsWhatArrivedSinceItsPositionInOrder() {
        AnnouncementLog log = new AnnouncementLog(1000);
        log.append("a", 0);
        long position = log.head();
        log.append("b", 0);
        log.append("c", 0);
        assertThat(log.since(position)).containsExactly("b", "c");
        assertThat(log.since(log.head())).isEmpty();
        assertThat(log.lostSince(position)).isZero();
    }

    @Test
    void aReaderLeftBehindTheBoundGetsTheNewestAndCountsWhatItMissed() {
        AnnouncementLog log = new AnnouncementLog(1000);
        long position = log.head();
        for (int i = 0; i < 1500; i++) {
            log.append("id" + i, i);
        }
        assertThat(log.lostSince(position)).isEqualTo(500);
        assertThat(log.since(position)).hasSize(1000).startsWith("id500").endsWith("id1499");
    }
}
