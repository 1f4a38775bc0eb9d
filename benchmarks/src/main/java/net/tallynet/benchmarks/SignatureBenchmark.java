package net.tallynet.benchmarks;

import fr.acinq.secp256k1.Secp256k1;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.crypto.Hashes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The signature-scheme choice for transactions (issue: the ledger): sign and verify operations/s of
 * a 32-byte digest for the JDK's Ed25519, BouncyCastle's Ed25519 and libsecp256k1 ECDSA (ACINQ's
 * JNI binding). Run: {@code ./tallynet bench Signature}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignatureBenchmark {
    private final byte[] digest = Hashes.sha256d("tallynet signature benchmark".getBytes());

    private PublicKey jdkPublic;
    private PrivateKey jdkPrivate;
    private byte[] jdkSignature;
    private Signature jdkVerifier;
    private Signature jdkSigner;

    private final byte[] bcSecret = new byte[Ed25519.SECRET_KEY_SIZE];
    private final byte[] bcPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
    private final byte[] bcSignature = new byte[Ed25519.SIGNATURE_SIZE];

    private byte[] secpSecret;
    private byte[] secpPublic;
    private byte[] secpSignature;

    @Setup
    public void setUp() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        jdkPublic = pair.getPublic();
        jdkPrivate = pair.getPrivate();
        jdkSigner = Signature.getInstance("Ed25519");
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkSignature = jdkSign();

        SecureRandom random = new SecureRandom();
        Ed25519.generatePrivateKey(random, bcSecret);
        Ed25519.generatePublicKey(bcSecret, 0, bcPublic, 0);
        Ed25519.sign(bcSecret, 0, digest, 0, digest.length, bcSignature, 0);

        secpSecret = new byte[32];
        random.nextBytes(secpSecret);
        secpPublic = Secp256k1.Companion.pubKeyCompress(Secp256k1.Companion.pubkeyCreate(secpSecret));
        secpSignature = Secp256k1.Companion.sign(digest, secpSecret, null);
        if (!jdkVerify() || !bcVerify() || !secpVerify()) {
            throw new IllegalStateException("a candidate does not verify its own signature");
        }
    }

    @Benchmark
    public byte[] jdkSign() throws Exception {
        jdkSigner.initSign(jdkPrivate);
        jdkSigner.update(digest);
        return jdkSigner.sign();
    }

    @Benchmark
    public boolean jdkVerify() throws Exception {
        jdkVerifier.initVerify(jdkPublic);
        jdkVerifier.update(digest);
        return jdkVerifier.verify(jdkSignature);
    }

    @Benchmark
    public byte[] bcSign() {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(bcSecret, 0, digest, 0, digest.length, signature, 0);
        return signature;
    }

    @Benchmark
    public boolean bcVerify() {
        return Ed25519.verify(bcSignature, 0, bcPublic, 0, digest, 0, digest.length);
    }

    @Benchmark
    public byte[] secpSign() {
        return Secp256k1.Companion.sign(digest, secpSecret, null);
    }

    @Benchmark
    public boolean secpVerify() {
        return Secp256k1.Companion.verify(secpSignature, digest, secpPublic);
    }
}
