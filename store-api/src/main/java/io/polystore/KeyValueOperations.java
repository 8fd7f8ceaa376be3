package io.polystore;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Capability: raw key-value access beside the repositories (counters, flags, cached values).
 * Keys are used as given, under the store's key prefix where it has one. Values go through a
 * {@link ValueCodec}: JSON unless {@link #withCodec} says otherwise. Obtain with
 * {@code store.capability(KeyValueOperations.class)}. Thread-safe.
 */
public interface KeyValueOperations {

    /**
     * @param codec the codec for values
     * @return a view of the same keys using that codec
     */
    KeyValueOperations withCodec(ValueCodec codec);

    /**
     * @param key  a key
     * @param type the value type
     * @param <V>  the value type
     * @return the value, or empty if absent or expired
     */
    <V> Optional<V> get(String key, Class<V> type);

    /**
     * Sets a value that never expires, replacing any value and TTL.
     *
     * @param key   a key
     * @param value the value, not null
     */
    void set(String key, Object value);

    /**
     * Sets a value with a time to live, replacing any value.
     *
     * @param key   a key
     * @param value the value, not null
     * @param ttl   positive time to live
     */
    void set(String key, Object value, Duration ttl);

    /**
     * Sets a value only if the key is absent.
     *
     * @param key   a key
     * @param value the value
     * @param ttl   positive time to live, or null for none
     * @return whether it was set
     */
    boolean setIfAbsent(String key, Object value, Duration ttl);

    /**
     * @param key a key
     * @return whether a value was deleted
     */
    boolean delete(String key);

    /**
     * @param key a key
     * @param ttl positive time to live from now
     * @return whether the key exists (and now expires)
     */
    boolean expire(String key, Duration ttl);

    /**
     * @param key a key
     * @return the remaining time to live; empty when the key is absent or never expires
     */
    Optional<Duration> ttl(String key);

    /**
     * Adds to a counter atomically; an absent key counts as 0. Keeps the key's TTL.
     *
     * @param key   a key
     * @param delta the amount, may be negative
     * @return the new value
     * @throws MappingException if the key holds something other than an integer
     */
    long increment(String key, long delta);

    /**
     * @param keys keys
     * @param type the value type
     * @param <V>  the value type
     * @return the values found, keyed by key; absent keys are left out
     */
    <V> Map<String, V> getAll(Collection<String> keys, Class<V> type);

    /**
     * Sets many values that never expire.
     *
     * @param values keys and values
     */
    void setAll(Map<String, ?> values);

    /**
     * @param prefix a key prefix ({@code ""} for all); matched literally, {@code *} and {@code ?} are plain characters
     * @return the keys that start with it, in no particular order
     */
    List<String> keys(String prefix);
}
