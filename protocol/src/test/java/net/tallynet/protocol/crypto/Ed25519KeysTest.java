package net.tallynet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Ed25519KeysTest {

    @Test
    void signatureVerifiesOnlyForItsKeyAndMessage() {
        byte[] secret = Ed25519Keys.newSecretKey();
        byte[] publicKey = Ed25519Keys.publicKey(secret);
        byte[] message = "pay bob".getBytes(StandardCharsets.UTF_8);
        byte[] signature = Ed25519Keys.sign(secret, message);
        assertThat(signature).hasSize(64);
        assertThat(Ed25519Keys.verify(publicKey, message, signature)).isTrue();
        assertThat(Ed25519Keys.verify(publicKey, "pay eve".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(Ed25519Keys.verify(Ed25519Keys.publicKey(Ed25519Keys.newSecretKey()), message, signature)).isFalse();
    }

    @Test
    void signaturesAreDeterministic() {
        byte[] secret = Ed25519Keys.newSecretKey();
        byte[] message = {1, 2, 3};
        assertThat(Ed25519Keys.sign(secret, message)).isEqualTo(Ed25519Keys.sign(secret, message));
    }

    @Test
    void malformedKeysAndSignaturesAreFalseNotErrors() {
        byte[] message = {1};
        assertThat(Ed25519Keys.verify(new byte[33], message, new byte[64])).isFalse();
        assertThat(Ed25519Keys.verify(new byte[32], message, new byte[63])).isFalse();
        assertThat(Ed25519Keys.verify(new byte[0], message, new byte[0])).isFalse();
        byte[] notOnCurve = new byte[32];
        java.util.Arrays.fill(notOnCurve, (byte) 0xff);
        assertThat(Ed25519Keys.verify(notOnCurve, message, new byte[64])).isFalse();
    }

    @Test
    void rfc8032TestVectorOne() {
        // RFC 8032 section 7.1, TEST 1: empty message
        byte[] secret = Hashes.fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assertThat(Hashes.hex(Ed25519Keys.publicKey(secret)))
                .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(Hashes.hex(Ed25519Keys.sign(secret, new byte[0]))).isEqualTo(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void addressIsTheFirstTwentyBytesOfTheKeysSha256() {
        byte[] publicKey = Ed25519Keys.publicKey(Ed25519Keys.newSecretKey());
        assertThat(Ed25519Keys.address(publicKey)).hasSize(40)
                .isEqualTo(Hashes.hex(Hashes.sha256(publicKey)).substring(0, 40));
    }
}
