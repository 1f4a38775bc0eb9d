package net.tallynet.protocol;

import java.util.Locale;

/**
 * Why a frame was refused before any handler saw it. The label is what goes on the wire (close
 * reasons), into logs and into the {@code reason} tag of the rejected-frames metric.
 */
public enum RejectReason {
    /** The frame is larger than the receiver's frame limit (checked before parsing). */
    FRAME_TOO_LARGE,
    /** Not a single well-formed JSON text (syntax error, empty frame, trailing data). */
    NOT_JSON,
    /** JSON nested deeper than the limit: stops stack and memory exhaustion by deep nesting. */
    NESTING_TOO_DEEP,
    /** The JSON text is not an object. */
    NOT_AN_OBJECT,
    /** The envelope object is empty. */
    NO_METHOD,
    /** The envelope object has more than one member. */
    SEVERAL_METHODS,
    /** The envelope key is not one of the protocol's method names (which are upper case). */
    UNKNOWN_METHOD,
    /** The payload (the envelope member's value) is not a JSON object. */
    PAYLOAD_NOT_AN_OBJECT,
    /** A required payload field is absent. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (including null, a float for an integer, a number for a string). */
    WRONG_TYPE,
    /** A value is outside what its field allows: number range, string length or format, allowed values. */
    OUT_OF_RANGE,
    /** A list has more (or fewer) entries than its field allows. */
    LIST_TOO_LONG,
    /** The same member name appears twice in one object: receivers could disagree on which counts. */
    DUPLICATE_FIELD,
    /** Fields that exclude each other are both present (GETBLOCK names more than one selector). */
    CONFLICTING_FIELDS;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case wire and metrics label, e.g. {@code not_json}. */
    public String label() {
        return label;
    }

    public static RejectReason fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
