package net.tallynet.node.sync;

import net.tallynet.node.chain.ChainStore;

/**
 * Which blocks compact relay serves (PROTOCOL.md 12.1): those near the tip, or off the best chain (a
 * fresh fork). Serving an old one costs a read, a decode and short ids for each request, while a
 * whole BLOCK frame is sent as stored: compact relay is for new blocks.
 */
final class CompactRecency {
    /** Best-chain blocks this far below the tip or nearer are served in compact form. */
    static final int DEPTH = 10;

    private CompactRecency() {
    }

    static boolean isRecent(ChainStore store, String hash) {
        long tip = store.tip().number();
        return store.mainChainNumberOf(hash).map(number -> number >= tip - DEPTH).orElse(true);
    }
}
