package net.tallynet.protocol.codec;

/**
 * Receiver-side bounds on a frame, applied before and during parsing.
 *
 * @param maxFrameBytes    largest frame accepted, in UTF-8 bytes (default 4 MiB: a full block fits)
 * @param maxNestingDepth  deepest JSON nesting (a block's input is 7 levels deep; default 10)
 * @param maxNumberLength  most characters in one JSON number: stops huge-number parsing cost
 * @param maxNameLength    most characters in one member name: unknown members are ignored, not free
 */
public record FrameLimits(int maxFrameBytes, int maxNestingDepth, int maxNumberLength, int maxNameLength) {
    public static final FrameLimits DEFAULT = new FrameLimits(4 * 1024 * 1024, 10, 32, 256);

    public FrameLimits {
        if (maxFrameBytes < 64 || maxNestingDepth < 8 || maxNumberLength < 20 || maxNameLength < 32) {
            throw new IllegalArgumentException("frame limits too small to carry the protocol: " + maxFrameBytes
                    + "/" + maxNestingDepth + "/" + maxNumberLength + "/" + maxNameLength);
        }
    }

    public FrameLimits withMaxFrameBytes(int bytes) {
        return new FrameLimits(bytes, maxNestingDepth, maxNumberLength, maxNameLength);
    }
}
