package net.tallynet.p2p.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which file an H2 URL names, and when its header says the last process closed it (the node's test runs the sweep). */
class UncommittedEntrySweepTest {
    private static final Path HOME = Path.of("/home/user");

    @TempDir
    Path dir;

    @Test
    void theFileBehindEachFormOfUrl() {
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:file:/data/node;DB_CLOSE_ON_EXIT=FALSE;LOB_TIMEOUT=5000", HOME))
                .isEqualTo(Path.of("/data/node.mv.db"));
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:/data/node", HOME)).isEqualTo(Path.of("/data/node.mv.db"));
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:~/tallynet/node;MODE=PostgreSQL", HOME))
                .isEqualTo(Path.of("/home/user/tallynet/node.mv.db"));
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:file:./data/node", HOME))
                .isEqualTo(Path.of("data/node.mv.db").toAbsolutePath());
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1", HOME)).isNull();
        assertThat(UncommittedEntrySweep.storeFile("jdbc:h2:tcp://127.0.0.1/node", HOME)).isNull();
    }

    @Test
    void onlyAHeaderWithTheCleanMarkSaysTheStoreWasClosed() throws Exception {
        assertThat(closed("H:2,block:db4,blockSize:1000,chunk:aa,clean:1,created:1a2522f6c19,format:3,version:aa,fletcher:c58382b4"))
                .isTrue();
        assertThat(closed("H:2,block:9,blockSize:1000,chunk:4a,created:1a25249177a,format:3,version:4a,fletcher:593689c6"))
                .as("written since it was opened").isFalse();
        assertThat(closed("H:2,block:9,clean:10,format:3")).isFalse();
        assertThat(closed("not an H2 file, clean:1")).isFalse();
        assertThat(UncommittedEntrySweep.closedCleanly(dir.resolve("missing.mv.db"))).isFalse();
    }

    private boolean closed(String header) throws Exception {
        Path file = Files.write(dir.resolve("node.mv.db"), (header + "\n" + " ".repeat(100)).getBytes(StandardCharsets.ISO_8859_1));
        return UncommittedEntrySweep.closedCleanly(file);
    }
}
