package net.tallynet.protocol.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.ledger.Transaction;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.ValueSerializerModifier;
import tools.jackson.databind.type.LogicalType;

/**
 * The one strict Jackson set-up behind the frame codec and the REST body reader: integers only for
 * integers, no coercion in either direction, required record components required, duplicate names
 * refused, bounded sizes; and the mapping of what Jackson throws to a {@link RejectReason}.
 */
final class StrictJson {
    private StrictJson() {
    }

    /** {@code refuseUnknownFields}: frames ignore unknown fields (forward compatibility), REST bodies refuse them. */
    static JsonMapper mapper(FrameLimits limits, boolean refuseUnknownFields) {
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
        return JsonMapper.builder(factory)
                .annotationIntrospector(new RequiredComponentsIntrospector())
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, refuseUnknownFields)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // trailing data is checked by the callers (a frame's envelope '}' follows its payload)
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
                // a transaction whose encoding the frame's writer was given is copied, not written again
                .addModule(new SimpleModule("known-transactions").setSerializerModifier(new ValueSerializerModifier() {
                    @Override
                    public ValueSerializer<?> modifySerializer(SerializationConfig config, BeanDescription.Supplier bean,
                                                               ValueSerializer<?> serializer) {
                        return bean.getBeanClass() == Transaction.class ? new KnownTransactionSerializer(serializer)
                                : serializer;
                    }
                }))
                .build();
    }

    static void expectEnd(JsonParser parser) {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new InvalidMessageException(RejectReason.NOT_JSON, "data after the JSON value");
        }
    }

    /** Maps what Jackson or a record constructor threw to the protocol's reason. */
    static Rejected classify(RuntimeException e) {
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

    static boolean isDuplicateName(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return message.startsWith("Duplicate Object property") || message.startsWith("Duplicate field");
    }

    /** Prefixes the JSON path Jackson tracked (e.g. {@code block.transactions[3].inputs}), if any. */
    static String withPath(RuntimeException e, String detail) {
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

    /** Peer-chosen text goes into logs and close reasons: cut it short (a close reason is at most 123 bytes). */
    static String shorten(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
