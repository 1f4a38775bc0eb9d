package net.tallynet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
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

    @Test
    void fromHexReadsWhatHexFormatReadsAndRefusesWhatItRefuses() {
        HexFormat jdk = HexFormat.of();
        Random random = new Random(7);
        for (int length = 0; length < 70; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String lower = jdk.formatHex(bytes);
            assertThat(Hashes.fromHex(lower)).isEqualTo(bytes);
            assertThat(Hashes.fromHex(lower.toUpperCase())).isEqualTo(bytes);
        }
        // every character in either place of a pair, against the JDK's own parser (surrogates and the full-width
        // digits too, and those that wrap onto an ASCII digit when cut to a byte, such as U+0130)
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            for (String hex : new String[] {c + "0", "0" + c, "ab" + c + "1"}) {
                boolean jdkAccepts = accepts(() -> jdk.parseHex(hex));
                assertThat(accepts(() -> Hashes.fromHex(hex))).as("%s (char %d)", hex, (int) c).isEqualTo(jdkAccepts);
                if (jdkAccepts) {
                    assertThat(Hashes.fromHex(hex)).isEqualTo(jdk.parseHex(hex));
                }
            }
        }
        assertThatThrownBy(() -> Hashes.fromHex("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd length 3");
        assertThatThrownBy(() -> Hashes.fromHex("0g")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1");
        assertThatThrownBy(() -> Hashes.fromHex("g0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
        assertThatThrownBy(() -> Hashes.fromHex("abg1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 2");
        assertThat(Hashes.fromHex("")).isEmpty();
    }

    private static boolean accepts(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
