package net.tallynet.node.chain;

/** A stored block's place in the block tree, read without its body. */
public record BranchLink(String previousHash, long number, String chainWork, boolean mainChain) {
}
