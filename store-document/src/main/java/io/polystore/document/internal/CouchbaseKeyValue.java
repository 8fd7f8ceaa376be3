package io.polystore.document.internal;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.kv.GetOptions;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.RemoveOptions;
import com.couchbase.client.java.kv.ReplaceOptions;
import com.couchbase.client.java.kv.UpsertOptions;
import com.couchbase.client.java.query.QueryOptions;
import io.polystore.KeyValueOperations;
import io.polystore.MappingException;
import io.polystore.StoreException;
import io.polystore.ValueCodec;
import io.polystore.spi.JsonDocuments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Key-value capability of a Couchbase store: each key one document in the bucket's default
 * collection under {@code kv::} (or in the collection {@code <prefix>kv} with the collections
 * layout), holding {@code {"t": text}} when the codec's bytes are UTF-8 text (JSON is), else
 * {@code {"b": base64}}, and {@code "exp"}: the expiry in milliseconds, which reads compare with
 * the clock (the server's own expiry, rounded up to the second, removes the document later).
 * Counters are updated by CAS, keeping their expiry. {@link #keys} needs SQL++ (a primary index).
 */
final class CouchbaseKeyValue implements KeyValueOperations {
    private static final int ATTEMPTS = 50;
    private static final RawJsonTranscoder RAW = RawJsonTranscoder.INSTANCE;

    private final CouchbaseStore store;
    private final Collection collection;
    private final String prefix;
    private final ValueCodec codec;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = io.polystore.spi.Json.newObjectMapper();

    CouchbaseKeyValue(CouchbaseStore store, Collection collection, String prefix, ValueCodec codec) {
        this.store = store;
        this.collection = collection;
        this.prefix = prefix;
        this.codec = codec;
    }

    @Override
    public KeyValueOperations withCodec(ValueCodec codec) {
        return new CouchbaseKeyValue(store, collection, prefix, Objects.requireNonNull(codec, "codec"));
    }

    private String key(String key) {
        String k = prefix + Objects.requireNonNull(key, "key");
        if (k.getBytes(StandardCharsets.UTF_8).length > 250) {
            throw new IllegalArgumentException("key '" + (key.length() > 40 ? key.substring(0, 40) + "..." : key)
                    + "' is too long: Couchbase keys hold at most " + (250 - prefix.length()) + " bytes of UTF-8 here");
        }
        return k;
    }

    /** A stored value: the codec's bytes, when it expires (null: never), the CAS it was read with. */
    private record Stored(byte[] bytes, Long exp, long cas) {
        boolean live() {
            return exp == null || exp > System.currentTimeMillis();
        }
    }

    private byte[] wrap(byte[] bytes, Long exp) {
        Map<String, Object> w = new LinkedHashMap<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            w.put("t", text); // the codec's text, exactly
        } else {
            w.put("b", Base64.getEncoder().encodeToString(bytes));
        }
        if (exp != null) {
            w.put("exp", exp);
        }
        try {
            return JSON.writeValueAsBytes(w);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MappingException("cannot write a key-value wrapper: " + e.getOriginalMessage(), e);
        }
    }

    private Stored read(String key) {
        GetResult r;
        try {
            r = collection.get(key, GetOptions.getOptions().transcoder(RAW));
        } catch (DocumentNotFoundException e) {
            return null;
        }
        Object value = JsonDocuments.parse(new String(r.contentAs(byte[].class), StandardCharsets.UTF_8));
        if (!(value instanceof Map<?, ?> w)) {
            throw new MappingException("key '" + key + "' does not hold a Polystore value");
        }
        byte[] bytes = w.get("t") instanceof String t ? t.getBytes(StandardCharsets.UTF_8)
                : w.get("b") instanceof String b ? Base64.getDecoder().decode(b) : null;
        if (bytes == null) {
            throw new MappingException("key '" + key + "' does not hold a Polystore value");
        }
        Long exp = w.get("exp") instanceof Number n ? n.longValue() : null;
        return new Stored(bytes, exp, r.cas());
    }

    private Stored live(String key) {
        Stored s = read(key);
        return s == null || !s.live() ? null : s;
    }

    private static Long deadline(Duration ttl) {
        if (ttl == null) {
            return null;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        return Instant.now().plus(ttl).toEpochMilli();
    }

    /** The server's expiry: ours rounded up to the second. */
    private static Instant serverExpiry(long exp) {
        return Instant.ofEpochSecond((exp + 999) / 1000);
    }

    private <R> R run(String what, java.util.function.Supplier<R> work) {
        try {
            return work.get();
        } catch (CouchbaseException e) {
            throw store.error(what, e);
        }
    }

    private void upsert(String key, byte[] bytes, Long exp) {
        UpsertOptions o = UpsertOptions.upsertOptions().transcoder(RAW);
        collection.upsert(key, wrap(bytes, exp), exp == null ? o : o.expiry(serverExpiry(exp)));
    }

    @Override
    public <V> Optional<V> get(String key, Class<V> type) {
        String k = key(key);
        return run("get " + key, () -> {
            Stored s = live(k);
            return s == null ? Optional.<V>empty() : Optional.of(codec.decode(s.bytes, type));
        });
    }

    @Override
    public void set(String key, Object value) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        String k = key(key);
        run("set " + key, () -> {
            upsert(k, bytes, null);
            return null;
        });
    }

    @Override
    public void set(String key, Object value, Duration ttl) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        Long exp = deadline(Objects.requireNonNull(ttl, "ttl"));
        String k = key(key);
        run("set " + key, () -> {
            upsert(k, bytes, exp);
            return null;
        });
    }

    @Override
    public boolean setIfAbsent(String key, Object value, Duration ttl) {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, "value"));
        Long exp = deadline(ttl);
        String k = key(key);
        return run("setIfAbsent " + key, () -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Stored s = read(k);
                try {
                    if (s == null) {
                        InsertOptions o = InsertOptions.insertOptions().transcoder(RAW);
                        collection.insert(k, wrap(bytes, exp), exp == null ? o : o.expiry(serverExpiry(exp)));
                        return true;
                    }
                    if (s.live()) {
                        return false;
                    }
                    ReplaceOptions o = ReplaceOptions.replaceOptions().transcoder(RAW).cas(s.cas);
                    collection.replace(k, wrap(bytes, exp), exp == null ? o : o.expiry(serverExpiry(exp)));
                    return true;
                } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                    // raced with another writer: look again
                }
            }
            throw new StoreException("store '" + store.name() + "' (Couchbase): setIfAbsent " + key + ": the key kept changing");
        });
    }

    @Override
    public boolean delete(String key) {
        String k = key(key);
        return run("delete " + key, () -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Stored s = read(k);
                if (s == null) {
                    return false;
                }
                try {
                    collection.remove(k, RemoveOptions.removeOptions().cas(s.cas));
                    return s.live();
                } catch (CasMismatchException | DocumentNotFoundException e) {
                    // changed since the read: look again
                }
            }
            throw new StoreException("store '" + store.name() + "' (Couchbase): delete " + key + ": the key kept changing");
        });
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        Long exp = deadline(Objects.requireNonNull(ttl, "ttl"));
        String k = key(key);
        return run("expire " + key, () -> rewrite(k, exp));
    }

    @Override
    public Optional<Duration> ttl(String key) {
        String k = key(key);
        return run("ttl " + key, () -> {
            Stored s = live(k);
            if (s == null || s.exp == null) {
                return Optional.<Duration>empty();
            }
            Duration left = Duration.ofMillis(s.exp - System.currentTimeMillis());
            return Optional.of(left.isNegative() ? Duration.ZERO : left);
        });
    }

    @Override
    public long increment(String key, long delta) {
        String k = key(key);
        return run("increment " + key, () -> {
            long[] result = new long[1];
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Stored s = read(k);
                long current = 0;
                if (s != null && s.live()) {
                    String text = new String(s.bytes, StandardCharsets.UTF_8).trim();
                    try {
                        current = Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        throw new MappingException("key '" + key + "' does not hold an integer; cannot increment it");
                    }
                }
                result[0] = Math.addExact(current, delta);
                byte[] bytes = Long.toString(result[0]).getBytes(StandardCharsets.UTF_8);
                Long exp = s != null && s.live() ? s.exp : null;
                try {
                    if (s == null) {
                        collection.insert(k, wrap(bytes, null), InsertOptions.insertOptions().transcoder(RAW));
                    } else {
                        ReplaceOptions o = ReplaceOptions.replaceOptions().transcoder(RAW).cas(s.cas);
                        collection.replace(k, wrap(bytes, exp), exp == null ? o : o.expiry(serverExpiry(exp)));
                    }
                    return result[0];
                } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                    // another writer counted first: count again from what it wrote
                }
            }
            throw new StoreException("store '" + store.name() + "' (Couchbase): increment " + key + ": the key kept changing");
        });
    }

    /** Gives a live value a new expiry by CAS; @return whether the key was there. */
    private boolean rewrite(String k, Long exp) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Stored s = live(k);
            if (s == null) {
                return false;
            }
            try {
                ReplaceOptions o = ReplaceOptions.replaceOptions().transcoder(RAW).cas(s.cas);
                collection.replace(k, wrap(s.bytes, exp), exp == null ? o : o.expiry(serverExpiry(exp)));
                return true;
            } catch (CasMismatchException | DocumentNotFoundException e) {
                // changed since the read: look again
            }
        }
        throw new StoreException("store '" + store.name() + "' (Couchbase): the key " + k + " kept changing");
    }

    @Override
    public <V> Map<String, V> getAll(java.util.Collection<String> keys, Class<V> type) {
        List<String> given = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
        List<Optional<V>> values = store.concurrently(given, key -> get(key, type)); // batch-concurrency at a time
        Map<String, V> out = new LinkedHashMap<>();
        for (int i = 0; i < given.size(); i++) {
            String key = given.get(i);
            values.get(i).ifPresent(v -> out.put(key, v));
        }
        return out;
    }

    @Override
    public void setAll(Map<String, ?> values) {
        List<Map.Entry<String, byte[]>> encoded = new ArrayList<>(); // every value encoded before anything is written
        values.forEach((k, v) -> encoded.add(Map.entry(key(k), codec.encode(Objects.requireNonNull(v, "value")))));
        run("setAll", () -> store.concurrently(encoded, e -> {
            upsert(e.getKey(), e.getValue(), null);
            return Boolean.TRUE;
        }));
    }

    @Override
    public List<String> keys(String prefix) {
        String like = (this.prefix + prefix).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String ks = store.keyspace(collection.name());
        return run("keys " + prefix, () -> {
            List<String> out = new ArrayList<>();
            for (Object row : store.cluster().query("SELECT RAW META(c).id FROM " + ks + " AS c WHERE META(c).id LIKE $p"
                            + " AND (c.`exp` IS NOT VALUED OR c.`exp` > $now)",
                    QueryOptions.queryOptions().scanConsistency(store.consistency)
                            .parameters(com.couchbase.client.java.json.JsonObject.create().put("p", like)
                                    .put("now", System.currentTimeMillis()))).rowsAs(String.class)) {
                out.add(row.toString().substring(this.prefix.length()));
            }
            return out;
        });
    }
}
