package io.polystore.pagecache.internal;

import java.util.List;
import java.util.function.Consumer;

/**
 * The shared (Redis) tier as the page cache uses it. Each URL key is one hash holding the names
 * its variants vary on (field {@code v}) and one field per variant, so that a purge by URL is one
 * DEL and a lookup of a page that does not vary is one round trip. Implementations fail fast
 * (command timeout) and throw; the caller's circuit breaker decides what to skip.
 */
public interface SharedTier extends AutoCloseable {

    /** The variant field of a page that does not vary. */
    String NO_VARIANT = "-";

    /**
     * @return {@code [vary, page-without-variant]}, each null when absent; null vary means a miss
     */
    byte[][] lookup(String key);

    /** @return the variant's page, or null */
    byte[] variant(String key, String variant);

    /**
     * Stores a page and registers its tags, asynchronously.
     *
     * @param onDone called once when every command has finished: with null, or with the first failure
     */
    void store(String key, String vary, String variant, byte[] page, long ttlMillis, List<String> tagKeys,
            Consumer<Throwable> onDone);

    /**
     * Purges URL keys: deletes their pages and leaves a short-lived purge mark on each, so that a
     * write already in flight from any node does not store the old page again.
     */
    void delete(List<String> keys);

    /** How long a purge mark refuses writes, in ms. */
    long PURGE_MARK_MILLIS = 2000;

    /** @return the members of a tag's set, and deletes the set */
    List<String> takeTag(String tagKey);

    /** @return every key matching a glob pattern (SCAN, every primary of a cluster) */
    List<String> scan(String match);

    /** @return whether the lock was taken (SET NX PX) */
    boolean tryLock(String lockKey, String owner, long ttlMillis);

    /** Releases the lock if {@code owner} still holds it. */
    void unlock(String lockKey, String owner);

    /** Publishes an invalidation message. */
    void publish(String channel, String message);

    /**
     * Subscribes to invalidation messages.
     *
     * @param onMessage   receives each message
     * @param onReconnect runs when the subscription was lost and is back (messages may have been missed)
     */
    void subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect);

    @Override
    void close();
}
