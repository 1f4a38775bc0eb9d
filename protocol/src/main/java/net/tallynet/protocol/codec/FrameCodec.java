package net.tallynet.protocol.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Turns a text frame into one of the 11 messages and back. Decoding is strict and total: every
 * input yields a {@link DecodeResult}, with the first fault met (reading from the start) as the
 * reason. Thread-safe; build one per limit set and share it.
 */
public final class FrameCodec {
    private final FrameLimits limits;
    private final JsonMapper mapper;

    public FrameCodec() {
        this(FrameLimits.DEFAULT);
    }

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxNameLength(limits.maxNameLength())
                        .maxStringLength(limits.maxFrameBytes())
                        .maxDocumentLength(limits.maxFrameBytes())
                        .build())
                // two values for one name are an ambiguity two implementations could resolve differently
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .annotationIntrospector(new RequiredComponentsIntrospector())
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // trailing data is checked after the envelope, not after the payload (the envelope's '}' follows it)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // a number is never a string and a string never a number, in either direction
                .withCoercionConfigDefaults(config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.POJO, config -> config
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.TryConvert))
                // only record components are fields on the wire: helpers such as isCoinbase() are not
                // (the golden vectors fail if a helper ever leaks into the encoding)
                .changeDefaultVisibility(visibility -> visibility
                        .withIsGetterVisibility(JsonAutoDetect.Visibility.NONE))
                .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
    }

    public FrameLimits limits() {
        return limits;
    }

    public DecodeResult decode(String frame) {
        // a char is at least one UTF-8 byte: a frame this long in chars is certainly too large
        if (frame.length() > limits.maxFrameBytes()) {
            return tooLarge(frame.length());
        }
        return decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    public DecodeResult decode(byte[] frame) {
        if (frame.length > limits.maxFrameBytes()) {
            return tooLarge(frame.length);
        }
        try (JsonParser parser = mapper.createParser(frame)) {
            return decodeEnvelope(parser);
        } catch (JacksonException | InvalidMessageException e) {
            return classify(e);
        } catch (RuntimeException e) {
            // Defensive: a parser bug must not kill a connection handler; the frame is refused all the same.
            return new Rejected(RejectReason.NOT_JSON, "unreadable frame: " + e.getClass().getSimpleName());
        }
    }

    private DecodeResult decodeEnvelope(JsonParser parser) {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new Rejected(RejectReason.NOT_JSON, "empty frame");
        }
        if (first != JsonToken.START_OBJECT) {
            // read the rest so that broken JSON is reported as such, not as "not an object"
            parser.skipChildren();
            expectEnd(parser);
            return new Rejected(RejectReason.NOT_AN_OBJECT, "frame is a JSON " + describe(first) + ", not an object");
        }
        if (parser.nextToken() == JsonToken.END_OBJECT) {
            expectEnd(parser);
            return new Rejected(RejectReason.NO_METHOD, "envelope object is empty");
        }
        String name = parser.currentName();
        Method method = Method.fromWireName(name);
        if (method == null) {
            return new Rejected(RejectReason.UNKNOWN_METHOD, "unknown method " + quoteShort(name));
        }
        JsonToken payloadStart = parser.nextToken();
        if (payloadStart != JsonToken.START_OBJECT) {
            return new Rejected(RejectReason.PAYLOAD_NOT_AN_OBJECT,
                    name + " payload is a JSON " + describe(payloadStart) + ", not an object");
        }
        Message message = mapper.readValue(parser, method.payloadType());
        JsonToken after;
        try {
            after = parser.nextToken();
        } catch (StreamReadException e) {
            if (isDuplicateName(e)) {
                return new Rejected(RejectReason.SEVERAL_METHODS, "envelope has more than one member");
            }
            throw e;
        }
        if (after != JsonToken.END_OBJECT) {
            return new Rejected(RejectReason.SEVERAL_METHODS, "envelope has more than one member");
        }
        expectEnd(parser);
        return new Decoded(message);
    }

    private static void expectEnd(JsonParser parser) {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new InvalidMessageException(RejectReason.NOT_JSON, "data after the JSON value");
        }
    }

    /** Maps what Jackson or a record constructor threw to the protocol's reason. */
    private static DecodeResult classify(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidMessageException invalid) {
                return new Rejected(invalid.reason(), withPath(e, invalid.getMessage()));
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            switch (t) {
                case StreamConstraintsException c -> {
                    String message = String.valueOf(c.getOriginalMessage());
                    if (message.contains("nesting depth")) {
                        return new Rejected(RejectReason.NESTING_TOO_DEEP, "JSON nested too deep");
                    }
                    return new Rejected(RejectReason.OUT_OF_RANGE, withPath(e, shorten(message)));
                }
                case InputCoercionException c -> {
                    return new Rejected(RejectReason.OUT_OF_RANGE, withPath(e, "number out of range"));
                }
                case MismatchedInputException m -> {
                    String message = String.valueOf(m.getOriginalMessage());
                    if (message.startsWith("Missing required creator property")) {
                        return new Rejected(RejectReason.MISSING_FIELD, withPath(e, "required field missing: "
                                + between(message, '\'')));
                    }
                    return new Rejected(RejectReason.WRONG_TYPE, withPath(e, "wrong JSON type"));
                }
                case StreamReadException r -> {
                    if (isDuplicateName(r)) {
                        return new Rejected(RejectReason.DUPLICATE_FIELD, withPath(e, "duplicate member name"));
                    }
                    return new Rejected(RejectReason.NOT_JSON, "malformed JSON at byte "
                            + (r.getLocation() == null ? "?" : r.getLocation().getByteOffset()));
                }
                default -> {
                }
            }
        }
        return new Rejected(RejectReason.WRONG_TYPE, withPath(e, shorten(String.valueOf(e.getMessage()))));
    }

    private static boolean isDuplicateName(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return message.startsWith("Duplicate Object property") || message.startsWith("Duplicate field");
    }

    /** Prefixes the JSON path Jackson tracked (e.g. {@code block.transactions[3].inputs}), if any. */
    private static String withPath(RuntimeException e, String detail) {
        if (!(e instanceof DatabindException databind) || databind.getPath().isEmpty()) {
            return detail;
        }
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : databind.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(shorten(ref.getPropertyName()));
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? detail : path + ": " + detail;
    }

    private static String between(String message, char quote) {
        int start = message.indexOf(quote);
        int end = start < 0 ? -1 : message.indexOf(quote, start + 1);
        return end < 0 ? "?" : message.substring(start + 1, end);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }

    private static String quoteShort(String name) {
        return "\"" + shorten(name) + "\"";
    }

    /** Peer-chosen text goes into logs and close reasons: cut it short (a close reason is at most 123 bytes). */
    private static String shorten(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }

    private static Rejected tooLarge(int size) {
        return new Rejected(RejectReason.FRAME_TOO_LARGE, "frame of " + size + " bytes is over the limit");
    }

    /** The canonical text form of a message: no white space, fields in record order, absent optionals left out. */
    public String encode(Message message) {
        return new String(encodeToBytes(message), StandardCharsets.UTF_8);
    }

    public byte[] encodeToBytes(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeName(message.method().name());
            mapper.writeValue(generator, message);
            generator.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Writes any value the way payloads are written (for tools and vectors); not a frame. */
    public String toJson(Object value) {
        return mapper.writeValueAsString(value);
    }
}
