package net.tallynet.p2p.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import net.tallynet.protocol.codec.StrictJsonReader;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;

/**
 * Reads the request bodies of the given record types with the {@link StrictJsonReader}, ahead of
 * Spring's lenient Jackson converter: integers only for money and counts, no coercion, required
 * fields required, unknown fields and duplicate names refused (400 with the reader's reason).
 * Reads only; responses are written by the usual converters.
 */
public final class StrictJsonBodyConverter extends AbstractHttpMessageConverter<Object> {
    private final StrictJsonReader reader;
    private final Set<Class<?>> types;

    public StrictJsonBodyConverter(StrictJsonReader reader, Set<Class<?>> types) {
        super(MediaType.APPLICATION_JSON);
        this.reader = reader;
        this.types = Set.copyOf(types);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return types.contains(clazz);
    }

    @Override
    public boolean canWrite(Class<?> clazz, MediaType mediaType) {
        return false;
    }

    @Override
    protected Object readInternal(Class<?> clazz, HttpInputMessage input) throws IOException {
        byte[] body;
        try (InputStream in = input.getBody()) {
            // bounded by the ApiGuardFilter (413 past the endpoint's limit) and the reader's own limit
            body = in.readNBytes(reader.limits().maxFrameBytes() + 1);
        }
        try {
            return reader.read(body, clazz);
        } catch (StrictJsonReader.RejectedJsonException e) {
            throw new ApiException(400, e.reason(), e.getMessage());
        }
    }

    @Override
    protected void writeInternal(Object value, HttpOutputMessage output) {
        throw new UnsupportedOperationException("reads only");
    }
}
