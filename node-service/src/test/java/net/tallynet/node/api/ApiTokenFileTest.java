package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.tallynet.p2p.SecretFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenFileTest {
    @TempDir
    Path dataDir;

    @Test
    void tokenIsMadeOnceOwnerOnlyAndReadAgainUnchanged() throws Exception {
        Path file = dataDir.resolve("sub/api-token");
        String made = ApiTokenFile.readOrCreate(file);
        assertThat(made).matches("[0-9a-f]{32}"); // 128 random bits
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo(made + "\n");
        assertThat(ApiTokenFile.readOrCreate(file)).isEqualTo(made);
        assertThat(ApiTokenFile.readOrCreate(dataDir.resolve("other"))).isNotEqualTo(made);
    }

    @Test
    void aTokenCutShortBeforeItsRenameIsNeverUsed() throws Exception {
        Path file = dataDir.resolve("api-token");
        Files.writeString(SecretFile.partial(file), "0123");
        assertThat(ApiTokenFile.readOrCreate(file)).matches("[0-9a-f]{32}");
        assertThat(SecretFile.partial(file)).doesNotExist();
    }

    @Test
    void aWeakOrEmptyTokenFileIsRefusedNotReplaced() throws Exception {
        Path file = dataDir.resolve("api-token");
        Files.writeString(file, "change-me\n");
        assertThatThrownBy(() -> ApiTokenFile.readOrCreate(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("api-token (tallynet.api.token-file) is a well-known placeholder")
                .hasMessageContaining("delete it");
        Files.writeString(file, "0123456789\n");
        assertThatThrownBy(() -> ApiTokenFile.readOrCreate(file)).hasMessageContaining("is 10 characters, fewer than 16");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> ApiTokenFile.readOrCreate(file)).hasMessageContaining("is empty; delete it");
        assertThat(Files.readString(file)).isEqualTo("\n");
    }
}
