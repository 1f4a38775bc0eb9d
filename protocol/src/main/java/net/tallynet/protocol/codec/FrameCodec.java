package net.tallynet.protocol.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.AddrMessage;
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
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectWriter;
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
    private final ObjectWriter writer;

    public FrameCodec() {
        this(FrameLimits.DEFAULT);
    }

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
        // unknown fields are ignored at any depth: forward compatibility (PROTOCOL.md 2)
        this.mapper = StrictJson.mapper(limits, false);
        this.writer = mapper.writer();
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
            return StrictJson.classify(e);
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
            StrictJson.expectEnd(parser);
            return new Rejected(RejectReason.NOT_AN_OBJECT, "frame is a JSON " + describe(first) + ", not an object");
        }
        if (parser.nextToken() == JsonToken.END_OBJECT) {
            StrictJson.expectEnd(parser);
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
            if (StrictJson.isDuplicateName(e)) {
                return new Rejected(RejectReason.SEVERAL_METHODS, "envelope has more than one member");
            }
            throw e;
        }
        if (after != JsonToken.END_OBJECT) {
            return new Rejected(RejectReason.SEVERAL_METHODS, "envelope has more than one member");
        }
        StrictJson.expectEnd(parser);
        return new Decoded(message);
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
        return "\"" + StrictJson.shorten(name) + "\"";
    }

    private static Rejected tooLarge(int size) {
        return new Rejected(RejectReason.FRAME_TOO_LARGE, "frame of " + size + " bytes is over the limit");
    }

    /** The canonical text form of a message: no white space, fields in record order, absent optionals left out. */
    public String encode(Message message) {
        return new String(encodeToBytes(message), StandardCharsets.UTF_8);
    }

    public byte[] encodeToBytes(Message message) {
        return encodeToBytes(message, TransactionEncodings.NONE);
    }

    /**
     * As {@link #encodeToBytes(Message)}, copying the encodings {@code known} gives for transactions instead of
     * writing them: the same bytes, for less work when most of a frame was written before (a block of pooled
     * transactions).
     */
    public byte[] encodeToBytes(Message message, TransactionEncodings known) {
        if (message instanceof AddrMessage addr) {
            return AddrEncoding.encode(addr); // a tracker's answer to every registration: see AddrEncoding
        }
        // written into segments joined once at the end: a block's frame of hundreds of kilobytes is not copied
        // again at every doubling of one array
        try (ByteArrayBuilder out = new ByteArrayBuilder(); JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeName(message.method().name());
            (known == TransactionEncodings.NONE ? writer : writer.withAttribute(KnownTransactionSerializer.ENCODINGS, known))
                    .writeValue(generator, message);
            generator.writeEndObject();
            generator.flush();
            return out.toByteArray();
        }
    }

    /** A transaction as every frame carries it, to be handed back through {@link TransactionEncodings}. */
    public byte[] encodeTransaction(Transaction tx) {
        return mapper.writeValueAsBytes(tx);
    }

    /** Writes any value the way payloads are written (for tools and vectors); not a frame. */
    public String toJson(Object value) {
        return mapper.writeValueAsString(value);
    }
}
