package net.tallynet.node.chain;

/**
 * A stored block's canonical BLOCK frame, read alone. A record rather than a bare {@code byte[]}: Spring
 * Data converts an array result element by element (a boxed {@code Byte} for each byte, through its
 * conversion service), which under a flood of GETBLOCKs was most of what the node allocated.
 */
record EncodedBlock(byte[] frame) {
}
