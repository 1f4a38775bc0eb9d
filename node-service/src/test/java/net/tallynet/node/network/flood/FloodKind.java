package net.tallynet.node.network.flood;

/**
 * What one flooding peer keeps doing for the whole flood (issue 11). Each kind is run both paced
 * (150 frames a second, under the node's per-connection limit of 200, and reading what the node
 * answers) and unpaced (1,000 frames a second, never reading), so the node meets every
 * kind within and beyond its per-peer limits.
 */
enum FloodKind {
    /** GETLISTOFBLOCKS with a genesis-only locator: the smallest request for the largest answer. */
    LIST_FROM_GENESIS,
    /** GETBLOCK by number for random heights: every request is a database read. */
    GETBLOCK_RANDOM,
    /** Frames that are not JSON (each charged), and on every fifth connection one over the frame limit. */
    GARBAGE,
    /** LISTOFBLOCKS nobody asked for, of made-up hashes chained from genesis: invites the node to fetch them. */
    UNSOLICITED_LIST,
    /** PUSHTRANSACTION of well-formed transactions spending made-up outputs (unpaced: some with a wrong id). */
    JUNK_TRANSACTIONS,
    /** A handshake and then nothing: holds a slot (paced ones answer pings, unpaced ones do not). */
    IDLE
}
