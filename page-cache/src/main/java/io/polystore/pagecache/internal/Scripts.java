package io.polystore.pagecache.internal;

/** The Lua scripts of the shared tier, the same on every client. */
final class Scripts {
    /**
     * Stores one variant: KEYS[1] the URL's hash; ARGV vary names, variant field, page, TTL ms. A
     * change of the Vary names drops the URL's other variants; the hash lives as long as its
     * longest-lived variant. Nothing is stored while the URL carries a purge mark: a write that was
     * in flight when the URL was purged must not bring the old page back.
     */
    static final String STORE = """
            if redis.call('HEXISTS', KEYS[1], 'purged') == 1 then return 0 end
            local cur = redis.call('HGET', KEYS[1], 'v')
            if cur and cur ~= ARGV[1] then redis.call('DEL', KEYS[1]) end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], ARGV[2], ARGV[3])
            local t = redis.call('PTTL', KEYS[1])
            if t < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            return 1""";
    /** Purges one URL: its pages go, a purge mark (field {@code purged}) stays for ARGV[1] ms. */
    static final String PURGE = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'purged', '1')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1""";

    /** Adds a URL key to a tag's set (KEYS[1]), which lives as long as its longest-lived page. */
    static final String TAG = """
            redis.call('SADD', KEYS[1], ARGV[1])
            local t = redis.call('PTTL', KEYS[1])
            if t < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 1""";
    /** Returns a tag's members and deletes the set, atomically. */
    static final String TAKE = """
            local m = redis.call('SMEMBERS', KEYS[1])
            redis.call('DEL', KEYS[1])
            return m""";
    /** Deletes a lock only if ARGV[1] still holds it. */
    static final String UNLOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private Scripts() {
    }
}
