package net.tallynet.protocol.codec;

import java.util.Locale;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one JSON object into a record with the frame codec's rules (integers only, no coercion,
 * required components required, duplicate names refused), and one rule more: unknown fields are
 * refused, since a request body has no forward compatibility to keep and a misspelt optional field
 * must not be silently dropped. Used for REST request bodies. Thread-safe.
 */
public final class StrictJsonReader {
    /** The reason for a field the target record does not have; REST-only, frames never use it. */
    public static final String UNKNOWN_FIELD = "unknown_field";

    private final FrameLimits limits;
    private final JsonMapper mapper;

    public StrictJsonReader(FrameLimits limits) {
        this.limits = limits;
        this.mapper = StrictJson.mapper(limits, true);
    }

    public FrameLimits limits() {
        return limits;
    }

    /** The body as a {@code type}, or a {@link RejectedJsonException} naming the first fault; nothing else is thrown. */
    public <T> T read(byte[] json, Class<T> type) {
        if (json.length > limits.maxFrameBytes()) {
            throw new RejectedJsonException(RejectReason.FRAME_TOO_LARGE.label(),
                    "body of " + json.length + " bytes is over the limit");
        }
        try (JsonParser parser = mapper.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new RejectedJsonException(RejectReason.NOT_JSON.label(), "empty body");
            }
            if (first != JsonToken.START_OBJECT) {
                parser.skipChildren();
                StrictJson.expectEnd(parser);
                throw new RejectedJsonException(RejectReason.NOT_AN_OBJECT.label(), "the body must be a JSON object");
            }
            T value = mapper.readValue(parser, type);
            StrictJson.expectEnd(parser);
            return value;
        } catch (JacksonException | InvalidMessageException e) {
            throw classify(e);
        } catch (RejectedJsonException e) {
            throw e;
        } catch (RuntimeException e) {
            // defensive, like the frame codec: a parser bug still gives a rejection, not a stack trace
            throw new RejectedJsonException(RejectReason.NOT_JSON.label(), "unreadable body");
        }
    }

    private static RejectedJsonException classify(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException unknown) {
                String detail = StrictJson.withPath(e, "unknown field")
                        .replaceFirst("^(.*): unknown field$", "unknown field: $1");
                return new RejectedJsonException(UNKNOWN_FIELD, withoutJavaNames(detail, "unknown field"));
            }
        }
        Rejected rejected = StrictJson.classify(e);
        return new RejectedJsonException(rejected.reason().label(),
                withoutJavaNames(rejected.detail(), rejected.reason().label().replace('_', ' ')));
    }

    /**
     * Jackson's own wording can name Java types, and the path echoes the client's field names, which
     * may look like them ({@code "a`b"}, {@code "java.x"}): a REST client gets such a detail as the bare
     * reason, so no response ever reads like a leak of our internals.
     */
    private static String withoutJavaNames(String detail, String plain) {
        String lower = detail.toLowerCase(Locale.ROOT);
        return detail.contains("`") || lower.contains("java.") || lower.contains("net.tallynet") ? plain : detail;
    }

    /** A body refused by the reader: a stable snake_case {@code reason} and one line naming the field. */
    public static final class RejectedJsonException extends IllegalArgumentException {
        private final String reason;

        public RejectedJsonException(String reason, String detail) {
            super(detail, null);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            // a refusal of client input is routine: no stack to capture
            return this;
        }
    }
}
