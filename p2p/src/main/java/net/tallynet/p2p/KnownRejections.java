package net.tallynet.p2p;

import java.util.Set;

/**
 * Rejection labels a service's handlers may raise ({@link PeerMisbehaviourException#reason()}), declared
 * as a bean so {@code tallynet_frames_rejected_total} carries them at zero from the start: a healthy
 * network shows 0, not "no data", and an alert on a rise has a series to compare with.
 */
public record KnownRejections(Set<String> labels) {
    public KnownRejections {
        labels = Set.copyOf(labels);
    }
}
