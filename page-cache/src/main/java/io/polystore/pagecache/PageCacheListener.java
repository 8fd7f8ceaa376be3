package io.polystore.pagecache;

/**
 * Receives what the page cache does, for metrics. Every method has an empty default; calls come on
 * request threads (and on Redis client threads for {@link #sharedTierFailure}) and must be quick and
 * must not throw. {@link MicrometerListener} is the ready-made implementation.
 */
public interface PageCacheListener {

    /**
     * One request answered.
     *
     * @param outcome how
     * @param detail  for {@link Outcome#BYPASS} the reason ({@code method}, {@code authorization},
     *                {@code session-cookie}, {@code host}, {@code route}, {@code range},
     *                {@code no-store-request}); for misses whether it was {@code stored} or why not; else null
     * @param bytes   body bytes sent
     * @param nanos   time spent in the filter
     */
    default void request(Outcome outcome, String detail, long bytes, long nanos) {
    }

    /**
     * The handler rendered a page (a miss or a background refresh).
     *
     * @param nanos how long it took, in nanoseconds
     * @param stored whether the page was stored
     */
    default void render(long nanos, boolean stored) {
    }

    /**
     * The local tier evicted a page to stay within its byte budget.
     *
     * @param bytes the size in bytes
     */
    default void eviction(long bytes) {
    }

    /**
     * A Redis command failed or timed out.
     *
     * @param cause what failed
     */
    default void sharedTierFailure(Throwable cause) {
    }

    /**
     * Pages were purged.
     *
     * @param kind what was purged ({@code url}, {@code prefix}, {@code tag}, {@code all})
     * @param target the URL, prefix or tag purged
     */
    default void purge(String kind, String target) {
    }
}
