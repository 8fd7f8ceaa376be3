package io.polystore.internal.mem;

import io.polystore.KeyValueOperations;
import io.polystore.MappingException;
import io.polystore.ValueCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Key-value capability of the in-memory store; values are kept as the codec's bytes. */
final class MemKeyValue implements KeyValueOperations {
    private record Value(byte[] bytes, Instant expiresAt) {
        boolean liveAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    private final MemStore store;
    private final ConcurrentHashMap<String, Value> data;
    private final ValueCodec codec;

    MemKeyValue(MemStore store) {
        this(store, new ConcurrentHashMap<>(), ValueCodec.json());
    }

    private MemKeyValue(MemStore store, ConcurrentHashMap<String, Value> data, ValueCodec codec) {
        this.store = store;
        this.data = data;
        this.codec = codec;
    }

    @Override
    public KeyValueOperations withCodec(ValueCodec codec) {
        return new MemKeyValue(store, data, Objects.requireNonNull(codec, "codec"));
    }

    private Value live(String key) {
        Value v = data.get(Objects.requireNonNull(key, "key"));
        if (v != null && !v.liveAt(Instant.now())) {
            data.remove(key, v);
            return null;
        }
        return v;
    }

    private static Instant deadline(Duration ttl) {
        if (ttl == null) {
            return null;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        return Instant.now().plus(ttl);
    }

    private void put(String key, Value value) {
        Value old = value == null ? data.remove(key) : data.put(key, value);
        store.onWrite(() -> {
            if (old == null) {
                data.remove(key);
            } else {
                data.put(key, old);
            }
        });
    }

    @Override
    public <V> Optional<V> get(String key, Class<V> type) {
        return store.read(() -> {
            Value v = live(key);
            return v == null ? Optional.empty() : Optional.of(codec.decode(v.bytes, type));
        });
    }

    @Override
    public void set(String key, Object value) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        store.read(() -> {
            put(Objects.requireNonNull(key, "key"), new Value(bytes, null));
            return null;
        });
    }

    @Override
    public void set(String key, Object value, Duration ttl) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        Instant at = deadline(Objects.requireNonNull(ttl, "ttl"));
        store.read(() -> {
            put(Objects.requireNonNull(key, "key"), new Value(bytes, at));
            return null;
        });
    }

    @Override
    public boolean setIfAbsent(String key, Object value, Duration ttl) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        Instant at = deadline(ttl);
        return store.read(() -> {
            boolean[] set = new boolean[1];
            data.compute(Objects.requireNonNull(key, "key"), (k, old) -> {
                if (old != null && old.liveAt(Instant.now())) {
                    return old;
                }
                set[0] = true;
                return new Value(bytes, at);
            });
            if (set[0]) {
                store.onWrite(() -> data.remove(key));
            }
            return set[0];
        });
    }

    @Override
    public boolean delete(String key) {
        return store.read(() -> {
            boolean existed = live(key) != null;
            if (existed) {
                put(key, null);
            }
            return existed;
        });
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        Instant at = deadline(Objects.requireNonNull(ttl, "ttl"));
        return store.read(() -> {
            Value v = live(key);
            if (v == null) {
                return false;
            }
            put(key, new Value(v.bytes, at));
            return true;
        });
    }

    @Override
    public Optional<Duration> ttl(String key) {
        return store.read(() -> {
            Value v = live(key);
            if (v == null || v.expiresAt == null) {
                return Optional.empty();
            }
            Duration left = Duration.between(Instant.now(), v.expiresAt);
            return Optional.of(left.isNegative() ? Duration.ZERO : left);
        });
    }

    @Override
    public long increment(String key, long delta) {
        return store.read(() -> {
            long[] result = new long[1];
            Value[] previous = new Value[1];
            data.compute(Objects.requireNonNull(key, "key"), (k, old) -> {
                Value live = old != null && old.liveAt(Instant.now()) ? old : null;
                long current = 0;
                if (live != null) {
                    String text = new String(live.bytes, StandardCharsets.UTF_8).trim();
                    try {
                        current = Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        throw new MappingException("key '" + k + "' does not hold an integer; cannot increment it");
                    }
                }
                result[0] = Math.addExact(current, delta);
                previous[0] = old;
                return new Value(Long.toString(result[0]).getBytes(StandardCharsets.UTF_8),
                        live == null ? null : live.expiresAt);
            });
            Value old = previous[0];
            store.onWrite(() -> {
                if (old == null) {
                    data.remove(key);
                } else {
                    data.put(key, old);
                }
            });
            return result[0];
        });
    }

    @Override
    public <V> Map<String, V> getAll(Collection<String> keys, Class<V> type) {
        return store.read(() -> {
            Map<String, V> out = new LinkedHashMap<>();
            for (String k : keys) {
                Value v = live(k);
                if (v != null) {
                    out.put(k, codec.decode(v.bytes, type));
                }
            }
            return out;
        });
    }

    @Override
    public void setAll(Map<String, ?> values) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        values.forEach((k, v) -> encoded.put(Objects.requireNonNull(k, "key"), codec.encode(Objects.requireNonNull(v, "value"))));
        store.read(() -> {
            encoded.forEach((k, b) -> put(k, new Value(b, null)));
            return null;
        });
    }

    @Override
    public List<String> keys(String prefix) {
        return store.read(() -> {
            Instant now = Instant.now();
            List<String> out = new ArrayList<>();
            data.forEach((k, v) -> {
                if (k.startsWith(prefix) && v.liveAt(now)) {
                    out.add(k);
                }
            });
            return out;
        });
    }
}
