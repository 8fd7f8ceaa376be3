package io.polystore.keyvalue.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Redis commands the store uses, over one client library (Lettuce or Jedis). Implementations
 * are thread-safe, load scripts once (and again after NOSCRIPT), pipeline the {@code ...All}
 * methods, and throw the store's exceptions ({@code StoreUnavailableException},
 * {@code StoreTimeoutException}, {@code StoreException}) with the client's exception as the cause.
 */
interface RedisOps extends AutoCloseable {

    /** @return the client library's name, for messages */
    String client();

    String get(String key);

    boolean exists(String key);

    long incr(String key);

    /** @return values in key order, null for missing keys; sent pipelined in chunks */
    List<String> mget(List<String> keys);

    /** Runs a script returning an array. */
    List<Object> evalList(String script, String[] keys, String... args);

    /** Runs a script returning an integer. */
    long evalLong(String script, String[] keys, String... args);

    /** Runs a script once per key/argument set, pipelined; results in order. */
    List<List<Object>> evalListAll(String script, List<String[]> keys, List<String[]> args);

    /** Runs a script once per key/argument set, pipelined; results in order. */
    List<Long> evalLongAll(String script, List<String[]> keys, List<String[]> args);

    Set<String> smembers(String key);

    long scard(String key);

    /** @return every key matching a glob pattern (SCAN) */
    List<String> scanKeys(String match);

    void unlink(List<String> keys);

    /** @param min a ZRANGEBYLEX boundary ({@code [x}, {@code (x}, {@code -}) @param max a boundary ({@code +}) */
    List<String> zrangeByLex(String key, String min, String max);

    /** Inclusive bounds; infinities for unbounded. */
    List<String> zrangeByScore(String key, double min, double max);

    /** @return every member and score */
    List<Map.Entry<String, Double>> zrangeWithScores(String key);

    long srem(String key, String member);

    long zrem(String key, String member);

    // ---- binary values (key-value capability) --------------------------------------------------

    byte[] getBytes(String key);

    /**
     * @param px  time to live in ms, or -1
     * @param nx  only if absent
     * @return whether the value was set
     */
    boolean setBytes(String key, byte[] value, long px, boolean nx);

    long del(String key);

    boolean pexpire(String key, long millis);

    long pttl(String key);

    long incrBy(String key, long delta);

    List<byte[]> mgetBytes(List<String> keys);

    void msetBytes(Map<String, byte[]> values);

    /**
     * Sets each of {@code keys} (all in one hash slot) to {@code value.apply(i)}, without expiry:
     * {@code MSET}s of {@link #WINDOW} keys, pipelined. Values are made as their window is sent, so
     * encoding overlaps the server's work on the windows before; a value that cannot be made leaves
     * the windows before it written.
     */
    void setAll(List<String> keys, java.util.function.IntFunction<byte[]> value);

    /** Keys per {@code MSET} of {@link #setAll}: small enough that the server starts early, large enough to batch. */
    int WINDOW = 128;

    /**
     * Waits until the writes made so far on the connection that serves {@code key} reach
     * {@code replicas} replicas (WAIT on the key's primary).
     *
     * @return how many replicas confirmed within the timeout
     */
    long waitForReplicas(String key, int replicas, long timeoutMillis);

    /** @return whether the connection is usable */
    boolean isOpen();

    @Override
    void close();
}
