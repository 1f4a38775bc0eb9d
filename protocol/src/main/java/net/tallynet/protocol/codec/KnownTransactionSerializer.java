package net.tallynet.protocol.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.ledger.Transaction;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.util.NameTransformer;

/**
 * Writes a transaction whose encoding the frame's {@link TransactionEncodings} (a writer attribute) knows by
 * copying those bytes, and any other one with the serializer Jackson made for it. The bytes are what that
 * serializer wrote for the same immutable instance, so the frame is the same either way (FrameCodecTest). Every
 * other question Jackson asks of a serializer is passed on to that one: installed on every mapper of the codec,
 * this wrapper changes nothing but the copy.
 */
final class KnownTransactionSerializer extends ValueSerializer<Transaction> {
    /** The writer attribute holding the {@link TransactionEncodings} of the frame being written. */
    static final Object ENCODINGS = KnownTransactionSerializer.class;

    private final ValueSerializer<Object> written;

    @SuppressWarnings("unchecked")
    KnownTransactionSerializer(ValueSerializer<?> written) {
        this.written = (ValueSerializer<Object>) written;
    }

    @Override
    public void serialize(Transaction tx, JsonGenerator generator, SerializationContext context) {
        TransactionEncodings known = (TransactionEncodings) context.getAttribute(ENCODINGS);
        byte[] encoding = known == null ? null : known.of(tx);
        if (encoding == null) {
            written.serialize(tx, generator, context);
        } else {
            generator.writeRawValue(new Utf8(encoding));
        }
    }

    /** With type information (none in the wire model today) Jackson's own writes it: nothing is copied. */
    @Override
    public void serializeWithType(Transaction tx, JsonGenerator generator, SerializationContext context,
                                  TypeSerializer types) {
        written.serializeWithType(tx, generator, context, types);
    }

    @Override
    public ValueSerializer<Transaction> unwrappingSerializer(NameTransformer names) {
        @SuppressWarnings("unchecked")
        ValueSerializer<Transaction> unwrapping = (ValueSerializer<Transaction>) (ValueSerializer<?>)
                written.unwrappingSerializer(names);
        return unwrapping;
    }

    @Override
    public Class<?> handledType() {
        return Transaction.class;
    }

    @Override
    public boolean isEmpty(SerializationContext context, Transaction tx) {
        return written.isEmpty(context, tx);
    }

    @Override
    public boolean usesObjectId() {
        return written.usesObjectId();
    }

    @Override
    public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType type) {
        written.acceptJsonFormatVisitor(visitor, type);
    }

    @Override
    public void resolve(SerializationContext context) {
        written.resolve(context);
    }

    @Override
    public ValueSerializer<?> createContextual(SerializationContext context, BeanProperty property) {
        ValueSerializer<?> contextual = written.createContextual(context, property);
        return contextual == written ? this : new KnownTransactionSerializer(contextual);
    }

    /**
     * Encoded bytes as a value the generator copies (UTF8JsonGenerator appends them to its buffer). Only the
     * unquoted forms are asked for a raw value; the quoted ones are given all the same, through Jackson's own.
     */
    private record Utf8(byte[] bytes) implements SerializableString {
        @Override
        public String getValue() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return bytes.clone();
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + bytes.length > buffer.length) {
                return -1;
            }
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return quoted().appendUnquoted(buffer, offset);
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < bytes.length) {
                return -1;
            }
            buffer.put(bytes);
            return bytes.length;
        }

        @Override
        public char[] asQuotedChars() {
            return quoted().asQuotedChars();
        }

        @Override
        public byte[] asQuotedUTF8() {
            return quoted().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return quoted().appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return quoted().appendQuoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return quoted().writeQuotedUTF8(out);
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return quoted().putQuotedUTF8(buffer);
        }

        private SerializedString quoted() {
            return new SerializedString(getValue());
        }
    }
}
