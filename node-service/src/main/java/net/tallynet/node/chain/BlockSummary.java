package net.tallynet.node.chain;

/** A stored block's header fields and transaction count, read without its body (block lists for people). */
public record BlockSummary(long number, String hash, String previousHash, long time, int transactions) {
}
