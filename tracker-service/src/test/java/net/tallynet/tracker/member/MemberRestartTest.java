package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.tracker.TestPeer;
import net.tallynet.tracker.TrackerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Members live in H2 files in the data directory: a restarted tracker still knows them. */
class MemberRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void membersAndTheirStateSurviveARestart() {
        try (ConfigurableApplicationContext first = start()) {
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d0", 9901)) {
                peer.send(new GetAddrMessage(9901));
                assertThat(peer.next()).isInstanceOf(AddrMessage.class);
            }
            MemberRepository members = first.getBean(MemberRepository.class);
            Member member = members.findByHostAndPort("127.0.0.1", 9901).orElseThrow();
            members.recordFailure(List.of(member.id()));
        }
        assertThat(Files.exists(dataDir.resolve("tracker.mv.db"))).isTrue();

        try (ConfigurableApplicationContext second = start()) {
            Member member = second.getBean(MemberRepository.class).findByHostAndPort("127.0.0.1", 9901).orElseThrow();
            assertThat(member.nodeId()).isEqualTo("d0d0d0d0d0d0d0d0");
            assertThat(member.status()).isEqualTo(MemberStatus.ACTIVE);
            assertThat(member.consecutiveFailures()).isEqualTo(1);
            // the active index (ADDR answers, the member cap) holds it before any check round
            assertThat(second.getBean(MemberRegistry.class).sampleFor("127.0.0.9", 1))
                    .extracting(AddressEntry::port).containsExactly(9901);
        }
    }

    /**
     * A store written when the status column was an H2 ENUM (a restarted devnet's tracker failed to start
     * on one: H2 read the index's ENUM keys back from disk as ordinals) is converted to VARCHAR at start,
     * members and statuses kept, and statuses bound as parameters work.
     */
    @Test
    void anOlderStoreWithAnEnumStatusColumnIsConvertedAndKeepsItsMembers() throws SQLException {
        try (ConfigurableApplicationContext first = start()) {
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            for (int member : new int[] {9901, 9902}) {
                try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d" + (member - 9900), member)) {
                    peer.send(new GetAddrMessage(member));
                    assertThat(peer.next()).isInstanceOf(AddrMessage.class);
                }
            }
        }
        try (Connection store = openStore();
                Statement sql = store.createStatement()) {
            assertThat(statusColumnType(sql)).isEqualTo("CHARACTER VARYING");
            // what the older version's schema had, with a member gone inactive
            sql.execute("alter table MEMBERS alter column STATUS set data type enum('ACTIVE', 'INACTIVE')");
            sql.execute("update MEMBERS set STATUS = 'INACTIVE', INACTIVE_SINCE = current_timestamp where PORT = 9902");
            assertThat(statusColumnType(sql)).isEqualTo("ENUM");
        }

        try (ConfigurableApplicationContext second = start()) {
            MemberRepository members = second.getBean(MemberRepository.class);
            assertThat(members.countByStatus(MemberStatus.ACTIVE.name())).isEqualTo(1);
            assertThat(members.countByStatus(MemberStatus.INACTIVE.name())).isEqualTo(1);
            assertThat(members.findByHostAndPort("127.0.0.1", 9902).orElseThrow().status()).isEqualTo(MemberStatus.INACTIVE);
            // and a newcomer is stored in the converted column
            int port = ((WebServerApplicationContext) second).getWebServer().getPort();
            try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d3", 9903)) {
                peer.send(new GetAddrMessage(9903));
                assertThat(peer.next()).isInstanceOf(AddrMessage.class);
            }
            assertThat(members.findByHostAndPort("127.0.0.1", 9903).orElseThrow().status()).isEqualTo(MemberStatus.ACTIVE);
        }
        try (Connection store = openStore();
                Statement sql = store.createStatement()) {
            assertThat(statusColumnType(sql)).isEqualTo("CHARACTER VARYING");
        }
    }

    /**
     * Indexes an older version made and this one does not (StaleIndexes) are dropped at start; a new store never had
     * them. Every index of a row costs each check result written to it (H2 rewrites them all).
     */
    @Test
    void indexesAnOlderVersionMadeAreDroppedAtStart() throws SQLException {
        try (ConfigurableApplicationContext first = start()) {
            assertThat(first.getBean(MemberRepository.class).count()).isZero();
        }
        try (Connection store = openStore();
                Statement sql = store.createStatement()) {
            assertThat(memberIndexes(sql)).contains("ix_members_inactive_since").doesNotContainAnyElementsOf(StaleIndexes.DROPPED);
            // as older versions left the table
            sql.execute("create index ix_members_status on members (status)");
            sql.execute("create index ix_members_host on members (host)");
            sql.execute("create index ix_members_netgroup on members (netgroup)");
            assertThat(memberIndexes(sql)).containsAll(StaleIndexes.DROPPED);
        }

        try (ConfigurableApplicationContext second = start()) {
            int port = ((WebServerApplicationContext) second).getWebServer().getPort();
            try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d0", 9901)) {
                peer.send(new GetAddrMessage(9901));
                assertThat(peer.next()).isInstanceOf(AddrMessage.class);
            }
            // queries by status still answer, through the index left
            assertThat(second.getBean(MemberRepository.class).countByStatus(MemberStatus.ACTIVE.name())).isEqualTo(1);
        }
        try (Connection store = openStore();
                Statement sql = store.createStatement()) {
            assertThat(memberIndexes(sql)).contains("ix_members_inactive_since").doesNotContainAnyElementsOf(StaleIndexes.DROPPED);
        }
    }

    /** The stopped tracker's H2 file, opened directly, as an older version left it or to read what this one made. */
    private Connection openStore() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("tracker"), "sa", "");
    }

    private static List<String> memberIndexes(Statement sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (var indexes = sql.executeQuery("select lower(INDEX_NAME) from INFORMATION_SCHEMA.INDEXES"
                + " where TABLE_NAME = 'MEMBERS'")) {
            while (indexes.next()) {
                names.add(indexes.getString(1));
            }
        }
        return names;
    }

    private static String statusColumnType(Statement sql) throws SQLException {
        try (var column = sql.executeQuery("select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
                + " where TABLE_NAME = 'MEMBERS' and COLUMN_NAME = 'STATUS'")) {
            assertThat(column.next()).as("the members' status column").isTrue();
            return column.getString(1);
        }
    }

    /** What {@code ./tallynet devnet} passes: a directory relative to the working directory, which H2 alone refuses. */
    @Test
    void aRelativeDataDirectoryIsResolvedAgainstTheWorkingDirectory() {
        String relative = "target/relative-data-dir/tracker-" + System.nanoTime();
        try (ConfigurableApplicationContext tracker = start(relative)) {
            assertThat(Path.of(relative, "tracker.mv.db").toAbsolutePath()).exists();
        }
    }

    private ConfigurableApplicationContext start() {
        return start(dataDir.toString());
    }

    private ConfigurableApplicationContext start(String dataDir) {
        return new SpringApplicationBuilder(TrackerApplication.class)
                .run("--server.port=0", "--tallynet.data-dir=" + dataDir, "--tallynet.checks.enabled=false");
    }
}
