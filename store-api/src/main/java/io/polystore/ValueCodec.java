package io.polystore;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Turns values into bytes and back for {@link KeyValueOperations}. Implementations are thread-safe.
 */
public interface ValueCodec {

    /**
     * @param value a value, never null
     * @return its bytes
     */
    byte[] encode(Object value);

    /**
     * @param bytes stored bytes
     * @param type  the wanted type
     * @param <V>   the wanted type
     * @return the value
     * @throws MappingException if the bytes do not decode to the type
     */
    <V> V decode(byte[] bytes, Class<V> type);

    /**
     * JSON with Polystore's mapping (the default). Numbers are written as plain decimal text, so a
     * value written by {@link KeyValueOperations#increment} reads back as a {@code Long}.
     *
     * @return the JSON codec
     */
    static ValueCodec json() {
        return JsonCodec.INSTANCE;
    }

    /**
     * Raw bytes: encodes {@code byte[]} as is and {@code String} as UTF-8; decodes to {@code byte[]}
     * or {@code String}.
     *
     * @return the bytes codec
     */
    static ValueCodec bytes() {
        return BytesCodec.INSTANCE;
    }
}

/** JSON codec. */
final class JsonCodec implements ValueCodec {
    static final JsonCodec INSTANCE = new JsonCodec();
    private final ObjectMapper mapper = io.polystore.spi.Json.newObjectMapper();

    @Override
    public byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new MappingException("cannot encode " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public <V> V decode(byte[] bytes, Class<V> type) {
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new MappingException("cannot decode stored JSON as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}

/** Raw bytes codec. */
final class BytesCodec implements ValueCodec {
    static final BytesCodec INSTANCE = new BytesCodec();

    @Override
    public byte[] encode(Object value) {
        if (value instanceof byte[] b) {
            return b.clone();
        }
        if (value instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new MappingException("the bytes codec takes byte[] or String, not " + value.getClass().getName()
                + "; use ValueCodec.json() for other values");
    }

    @Override
    public <V> V decode(byte[] bytes, Class<V> type) {
        if (type == byte[].class) {
            return type.cast(bytes.clone());
        }
        if (type == String.class) {
            return type.cast(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
        throw new MappingException("the bytes codec decodes to byte[] or String, not " + type.getName());
    }
}
