package net.tallynet.p2p.http;

/** Every REST error of the node and the tracker: a stable snake_case reason and one line for people. */
public record ApiError(String reason, String detail) {
}
