package net.tallynet.lab.scenario;

/** A scenario file that cannot be run as written; the message names the field and what was wrong. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
