package net.tallynet.node.chain;

import java.io.Serializable;

/** The key of an output: transaction id and output index. */
public record Outpoint(String txId, long outputIndex) implements Serializable {
}
