package io.polystore.keyvalue.internal;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
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
    private final RedisStore store;
    private final String prefix;
    private final ValueCodec codec;

    RedisKeyValue(RedisStore store, String prefix, ValueCodec codec) {
        this.store = store;
        this.prefix = prefix;
        this.codec = codec;
    }

    @Override
    public KeyValueOperations withCodec(ValueCodec codec) {
        return new RedisKeyValue(store, prefix, Objects.requireNonNull(codec, "codec"));
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
        byte[] raw = store.call("get", () -> store.bytes().get(k(key)));
        return raw == null ? Optional.empty() : Optional.of(decode(raw, type));
    }

    @Override
    public void set(String key, Object value) {
        byte[] v = encode(value);
        store.call("set", () -> store.bytes().set(k(key), v));
    }

    @Override
    public void set(String key, Object value, Duration ttl) {
        byte[] v = encode(value);
        long px = millis(Objects.requireNonNull(ttl, "ttl"));
        store.call("set", () -> store.bytes().set(k(key), v, SetArgs.Builder.px(px)));
    }

    @Override
    public boolean setIfAbsent(String key, Object value, Duration ttl) {
        byte[] v = encode(value);
        SetArgs args = ttl == null ? SetArgs.Builder.nx() : SetArgs.Builder.nx().px(millis(ttl));
        return "OK".equals(store.call("setIfAbsent", () -> store.bytes().set(k(key), v, args)));
    }

    @Override
    public boolean delete(String key) {
        return store.call("delete", () -> store.bytes().del(k(key))) > 0;
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        long px = millis(Objects.requireNonNull(ttl, "ttl"));
        return Boolean.TRUE.equals(store.call("expire", () -> store.bytes().pexpire(k(key), px)));
    }

    @Override
    public Optional<Duration> ttl(String key) {
        long px = store.call("ttl", () -> store.bytes().pttl(k(key)));
        return px < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(px));
    }

    @Override
    public long increment(String key, long delta) {
        try {
            return store.call("increment", () -> store.bytes().incrby(k(key), delta));
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
        List<String> full = new ArrayList<>(keys.size());
        for (String key : keys) {
            full.add(k(key));
        }
        List<KeyValue<String, byte[]>> values = store.call("getAll", () -> store.bytes().mget(full.toArray(new String[0])));
        for (KeyValue<String, byte[]> kv : values) {
            if (kv.hasValue()) {
                out.put(kv.getKey().substring(prefix.length()), decode(kv.getValue(), type));
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
        store.call("setAll", () -> store.bytes().mset(encoded));
    }

    @Override
    public List<String> keys(String keyPrefix) {
        String match = Keys.glob(prefix + Objects.requireNonNull(keyPrefix, "prefix")) + "*";
        return store.call("keys", () -> {
            List<String> out = new ArrayList<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = store.bytes().scan(cursor, ScanArgs.Builder.matches(match).limit(1000));
                for (String key : page.getKeys()) {
                    out.add(key.substring(prefix.length()));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return out;
        });
    }
}
