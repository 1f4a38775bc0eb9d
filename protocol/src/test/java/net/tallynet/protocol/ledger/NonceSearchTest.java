package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.tallynet.protocol.Limits;
import org.junit.jupiter.api.Test;

class NonceSearchTest {
    private static final Block GENESIS = Genesis.of("devnet");

    private static Block withTarget(String target, long nonce) {
        return Block.of(1, GENESIS.hash(), Genesis.TIME + 1000, target, nonce, GENESIS.transactions());
    }

    @Test
    void findsTheFirstNonceThatMeetsTheTargetAsAPlainLoopWould() {
        Block candidate = withTarget("00" + "f".repeat(62), 0);
        Block expected = candidate;
        while (!Difficulty.meetsTarget(expected.hash(), expected.target())) {
            expected = expected.withNonce(expected.nonce() + 1);
        }

        Block solved = NonceSearch.solve(candidate);

        assertThat(solved).isEqualTo(expected);
        assertThat(solved.hash()).isEqualTo(CanonicalEncoding.blockHash(solved));
    }

    @Test
    void continuesAfterASolutionAndReportsNoneWhenNoNonceMeetsTheTarget() {
        NonceSearch impossible = new NonceSearch(withTarget(Genesis.ZERO_HASH, 5));
        assertThat(impossible.tryNonces(1000)).isNull();

        NonceSearch easy = new NonceSearch(withTarget(Genesis.MAX_TARGET, 5));
        assertThat(easy.tryNonces(1).nonce()).isEqualTo(5);
        assertThat(easy.tryNonces(1).nonce()).isEqualTo(6);
    }

    @Test
    void stopsAtTheLargestNonceTheProtocolAllows() {
        NonceSearch search = new NonceSearch(withTarget(Genesis.ZERO_HASH, Limits.MAX_SAFE_INTEGER - 2));
        assertThat(search.tryNonces(10)).isNull();
        assertThat(search.exhausted()).isTrue();
    }

    @Test
    void triesNoncesWithoutAllocating() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        NonceSearch search = new NonceSearch(withTarget(Genesis.ZERO_HASH, 0));
        search.tryNonces(200_000); // warm up: the JIT may allocate while compiling
        long before = threads.getCurrentThreadAllocatedBytes();
        search.tryNonces(200_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // the old loop allocated a Block and two hex strings per nonce: about 80 MB for these tries
        assertThat(allocated).isLessThan(64 * 1024);
    }
}
