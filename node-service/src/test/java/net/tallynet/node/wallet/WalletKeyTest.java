package net.tallynet.node.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.tallynet.p2p.SecretFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalletKeyTest {
    @TempDir
    Path dataDir;

    @Test
    void keyIsCreatedOwnerOnlyAndLoadedAgainUnchanged() throws Exception {
        byte[] created = WalletKey.loadOrCreate(dataDir);
        Path file = dataDir.resolve(WalletKey.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(WalletKey.loadOrCreate(dataDir)).isEqualTo(created).hasSize(32);
    }

    @Test
    void aKeyCutShortBeforeItsRenameIsNeverUsedAndNothingIsLeftBehind() throws Exception {
        // what a power cut during the first write leaves: the partial file, no key
        Files.writeString(SecretFile.partial(dataDir.resolve(WalletKey.FILE)), "");
        byte[] created = WalletKey.loadOrCreate(dataDir);
        assertThat(created).hasSize(32);
        assertThat(Files.exists(SecretFile.partial(dataDir.resolve(WalletKey.FILE)))).isFalse();
        assertThat(Files.readString(dataDir.resolve(WalletKey.FILE)).strip()).hasSize(64);
        assertThat(WalletKey.loadOrCreate(dataDir)).isEqualTo(created);
    }

    @Test
    void damagedKeyFileIsReportedNotReplaced() throws Exception {
        Files.writeString(dataDir.resolve(WalletKey.FILE), "abcd\n");
        assertThatThrownBy(() -> WalletKey.loadOrCreate(dataDir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32-byte key");
        assertThat(Files.readString(dataDir.resolve(WalletKey.FILE))).isEqualTo("abcd\n");
    }
}
