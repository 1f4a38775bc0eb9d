package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scores per host that fade after the misbehaviour memory; bans kept in a file across instances. */
class BanListTest {
    @TempDir
    Path dir;

    private Instant now = Instant.parse("2026-12-02T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aScoreAddsUpAcrossChargesAndIsForgottenAfterTheMemory() {
        BanList bans = new BanList(P2pProperties.defaults(), clock);
        assertThat(bans.charge("127.0.0.1", 10)).isEqualTo(10);
        now = now.plus(Duration.ofMinutes(59));
        assertThat(bans.charge("127.0.0.1", 10)).isEqualTo(20);
        assertThat(bans.charge("127.0.0.2", 10)).isEqualTo(10);
        now = now.plus(Duration.ofHours(1));
        assertThat(bans.charge("127.0.0.1", 10)).isEqualTo(10);
    }

    @Test
    void bansOutliveTheInstanceThatMadeThemUntilLiftedOrExpired() {
        Path file = dir.resolve("peer-bans.txt");
        BanList first = new BanList(P2pProperties.defaults(), clock, new FileBanStore(file));
        first.ban("127.0.0.1", "not_json");
        first.ban("::1", "bad_proof_of_work");

        BanList second = new BanList(P2pProperties.defaults(), clock, new FileBanStore(file));
        assertThat(second.list()).extracting(BanList.Ban::host, BanList.Ban::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", "not_json"),
                        org.assertj.core.groups.Tuple.tuple("::1", "bad_proof_of_work"));
        assertThat(second.lift("127.0.0.1")).isTrue();
        assertThat(second.lift("127.0.0.1")).isFalse();

        now = now.plus(P2pProperties.defaults().banDuration());
        BanList third = new BanList(P2pProperties.defaults(), clock, new FileBanStore(file));
        assertThat(third.list()).isEmpty();
        assertThat(third.isBanned("::1")).isFalse();
    }
}
