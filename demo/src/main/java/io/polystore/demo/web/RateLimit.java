package io.polystore.demo.web;

import io.polystore.KeyValueOperations;

import java.time.Duration;

/**
 * Fixed-window attempt counters in the key-value store ({@code INCR} plus a TTL set by the first
 * attempt of a window), shared by every node of the app.
 */
public final class RateLimit {
    private final KeyValueOperations counters;
    private final String prefix;
    private final int limit;
    private final Duration window;

    /**
     * @param counters the key-value store
     * @param prefix   the keys' prefix
     * @param limit    attempts allowed per window
     * @param window   the window
     */
    public RateLimit(KeyValueOperations counters, String prefix, int limit, Duration window) {
        this.counters = counters;
        this.prefix = prefix;
        this.limit = limit;
        this.window = window;
    }

    /**
     * Counts an attempt.
     *
     * @param who what is limited (an address, an account)
     * @return whether the attempt is within the limit
     */
    public boolean attempt(String who) {
        String key = prefix + who;
        long n = counters.increment(key, 1);
        if (n == 1 || counters.ttl(key).isEmpty()) {
            counters.expire(key, window);
        }
        return n <= limit;
    }

    /**
     * @param who what is limited
     * @return whether further attempts are refused now
     */
    public boolean exceeded(String who) {
        return counters.get(prefix + who, Long.class).orElse(0L) >= limit;
    }

    /**
     * @param who what is limited
     * @return seconds until the window ends (at least 1)
     */
    public long retryAfterSeconds(String who) {
        return Math.max(1, counters.ttl(prefix + who).map(Duration::toSeconds).orElse(window.toSeconds()));
    }

    /**
     * Forgets the attempts (after a successful sign-in).
     *
     * @param who what is limited
     */
    public void reset(String who) {
        counters.delete(prefix + who);
    }
}
