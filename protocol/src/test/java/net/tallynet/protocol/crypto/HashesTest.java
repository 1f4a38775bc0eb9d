package net.tallynet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashesTest {

    @Test
    void sha256MatchesTheStandardTestVector() {
        // FIPS 180-2 example: SHA-256("abc")
        assertThat(Hashes.hex(Hashes.sha256("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void sha256dIsSha256Twice() {
        // SHA-256(SHA-256("")), the well-known Bitcoin double hash of empty input
        assertThat(Hashes.hex(Hashes.sha256d(new byte[0])))
                .isEqualTo("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
    }

    @Test
    void hexIsLowerCaseAndRoundTrips() {
        byte[] bytes = {0, (byte) 0xAB, 0x7f, (byte) 0xff};
        assertThat(Hashes.hex(bytes)).isEqualTo("00ab7fff");
        assertThat(Hashes.fromHex("00ab7fff")).isEqualTo(bytes);
    }
}
