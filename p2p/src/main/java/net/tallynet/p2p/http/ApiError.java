package net.tallynet.node.api;

/** Every API error: a machine-readable reason and one line for people. */
public record ApiError(String reason, String detail) {
}
