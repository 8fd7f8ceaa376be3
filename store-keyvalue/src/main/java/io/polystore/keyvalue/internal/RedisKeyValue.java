package io.polystore.keyvalue.internal;

import io.polystore.KeyValueOperations;
import io.polystore.MappingException;
import io.polystore.StoreException;
import io.polystore.ValueCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Key-value capability of the Redis store: keys live under {@code <key-prefix>:kv:}; values are the
 * codec's bytes, stored as they are (a connection with a bytes value codec), so that other clients
 * read the same JSON or bytes.
 */
final class RedisKeyValue implements KeyValueOperations {
    private final RedisOps ops;
    private final String prefix;
    private final ValueCodec codec;

    RedisKeyValue(RedisOps ops, String prefix, ValueCodec codec) {
        this.ops = ops;
        this.prefix = prefix;
        this.codec = codec;
    }

    @Override
    public KeyValueOperations withCodec(ValueCodec codec) {
        return new RedisKeyValue(ops, prefix, Objects.requireNonNull(codec, "codec"));
    }

    private String k(String key) {
        return prefix + Objects.requireNonNull(key, "key");
    }

    private byte[] encode(Object value) {
        return codec.encode(Objects.requireNonNull(value, "value"));
    }

    private <V> V decode(byte[] raw, Class<V> type) {
        return codec.decode(raw, type);
    }

    private static long millis(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    @Override
    public <V> Optional<V> get(String key, Class<V> type) {
        byte[] raw = ops.getBytes(k(key));
        return raw == null ? Optional.empty() : Optional.of(decode(raw, type));
    }

    @Override
    public void set(String key, Object value) {
        ops.setBytes(k(key), encode(value), -1, false);
    }

    @Override
    public void set(String key, Object value, Duration ttl) {
        ops.setBytes(k(key), encode(value), millis(Objects.requireNonNull(ttl, "ttl")), false);
    }

    @Override
    public boolean setIfAbsent(String key, Object value, Duration ttl) {
        return ops.setBytes(k(key), encode(value), ttl == null ? -1 : millis(ttl), true);
    }

    @Override
    public boolean delete(String key) {
        return ops.del(k(key)) > 0;
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        return ops.pexpire(k(key), millis(Objects.requireNonNull(ttl, "ttl")));
    }

    @Override
    public Optional<Duration> ttl(String key) {
        long px = ops.pttl(k(key));
        return px < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(px));
    }

    @Override
    public long increment(String key, long delta) {
        try {
            return ops.incrBy(k(key), delta);
        } catch (StoreException e) {
            if (String.valueOf(e.getMessage()).contains("not an integer")) {
                throw new MappingException("key '" + key + "' does not hold an integer; cannot increment it", e);
            }
            throw e;
        }
    }

    @Override
    public <V> Map<String, V> getAll(Collection<String> keys, Class<V> type) {
        Map<String, V> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> given = new ArrayList<>(keys);
        List<String> full = new ArrayList<>(given.size());
        for (String key : given) {
            full.add(k(key));
        }
        List<byte[]> values = ops.mgetBytes(full);
        for (int i = 0; i < given.size(); i++) {
            if (values.get(i) != null) {
                out.put(given.get(i), decode(values.get(i), type));
            }
        }
        return out;
    }

    @Override
    public void setAll(Map<String, ?> values) {
        if (values.isEmpty()) {
            return;
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        values.forEach((key, v) -> encoded.put(k(key), encode(v)));
        ops.msetBytes(encoded);
    }

    @Override
    public List<String> keys(String keyPrefix) {
        List<String> out = new ArrayList<>();
        for (String key : ops.scanKeys(Keys.glob(prefix + Objects.requireNonNull(keyPrefix, "prefix")) + "*")) {
            out.add(key.substring(prefix.length()));
        }
        return out;
    }
}
