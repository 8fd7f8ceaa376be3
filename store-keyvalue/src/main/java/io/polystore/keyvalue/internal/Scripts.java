package io.polystore.keyvalue.internal;

/**
 * The Lua scripts that change an entity together with its index entries, atomically. Every key a
 * script touches shares the entity type's hash tag, so the scripts run on one node in a cluster too.
 *
 * <p>Per entity type {@code T} (hash tag {@code {prefix:T}}): {@code e:<id>} the JSON document (with
 * PXAT when it expires), {@code v} hash id → version, {@code all} set of ids, {@code x} hash id → its
 * index entries (JSON), {@code exp} sorted set id → expiry (ms), {@code seq} the id sequence, and
 * the index keys named in the entries. An entry is {@code ["z", key, score, member]} or
 * {@code ["s", key, member]}.
 */
final class Scripts {
    private Scripts() {
    }

    private static final String HELPERS = """
            local function unindex(entries)
              if not entries then return end
              for _, e in ipairs(cjson.decode(entries)) do
                if e[1] == 'z' then redis.call('ZREM', e[2], e[4]) else redis.call('SREM', e[2], e[3]) end
              end
            end
            local function index(entries)
              for _, e in ipairs(cjson.decode(entries)) do
                if e[1] == 'z' then redis.call('ZADD', e[2], e[3], e[4]) else redis.call('SADD', e[2], e[3]) end
              end
            end
            local function forget(base, id)
              unindex(redis.call('HGET', base .. 'x', id))
              redis.call('HDEL', base .. 'x', id)
              redis.call('HDEL', base .. 'v', id)
              redis.call('SREM', base .. 'all', id)
              redis.call('ZREM', base .. 'exp', id)
            end
            """;

    /**
     * KEYS[1] entity key. ARGV: 1 base ({@code {prefix:T}:}), 2 id, 3 JSON, 4 expected version (-1 =
     * unversioned), 5 expires-at ms (-1 = never), 6 now ms, 7 index entries JSON, 8 numeric id (1) or not (0),
     * 9 (optional) the version to store as is, unchecked (importAll), or -1.
     * Returns {1} when written, {-1, version} when a new entity exists, {-2, version|false} when stale.
     */
    static final String SAVE = HELPERS + """
            local base, id = ARGV[1], ARGV[2]
            local expected, expiresAt, now = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
            local given = tonumber(ARGV[9] or '-1')
            local live = redis.call('EXISTS', KEYS[1]) == 1
            if expected >= 0 then
              local current = live and redis.call('HGET', base .. 'v', id) or false
              if expected == 0 and current then return {-1, current} end
              if expected > 0 and (not current or tonumber(current) ~= expected) then return {-2, current} end
            end
            forget(base, id)
            if ARGV[8] == '1' then
              local seq = tonumber(redis.call('GET', base .. 'seq') or '0')
              if tonumber(id) > seq then redis.call('SET', base .. 'seq', id) end
            end
            if expiresAt >= 0 and expiresAt <= now then
              redis.call('DEL', KEYS[1])
              return {1}
            end
            if expiresAt >= 0 then
              redis.call('SET', KEYS[1], ARGV[3], 'PXAT', expiresAt)
              redis.call('ZADD', base .. 'exp', expiresAt, id)
            else
              redis.call('SET', KEYS[1], ARGV[3])
            end
            if given >= 0 then redis.call('HSET', base .. 'v', id, given)
            elseif expected >= 0 then redis.call('HSET', base .. 'v', id, expected + 1) end
            redis.call('SADD', base .. 'all', id)
            redis.call('HSET', base .. 'x', id, ARGV[7])
            index(ARGV[7])
            return {1}
            """;

    /**
     * KEYS[1] entity key. ARGV: 1 base, 2 id, 3 expected version (-1 = any).
     * Returns 1 deleted, 0 absent, -2 stale version (nothing deleted).
     */
    static final String DELETE = HELPERS + """
            local base, id, expected = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local live = redis.call('EXISTS', KEYS[1]) == 1
            if expected >= 0 and live then
              local current = redis.call('HGET', base .. 'v', id)
              if not current or tonumber(current) ~= expected then return -2 end
            end
            forget(base, id)
            redis.call('DEL', KEYS[1])
            if live then return 1 else return 0 end
            """;

    /**
     * Removes the index entries of expired entities (Redis has already dropped their documents).
     * KEYS[1] the expiry set (so that a cluster routes the script; all keys share the base's hash tag).
     * ARGV: 1 base, 2 now ms, 3 limit.
     * Returns how many were purged.
     */
    static final String PURGE = HELPERS + """
            local base, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
            local ids = redis.call('ZRANGEBYSCORE', base .. 'exp', '-inf', now, 'LIMIT', 0, limit)
            for _, id in ipairs(ids) do
              forget(base, id)
              redis.call('DEL', base .. 'e:' .. id)
            end
            return #ids
            """;

    /**
     * Re-indexes one entity if its document is still the one the caller read.
     * KEYS[1] entity key. ARGV: 1 base, 2 id, 3 the JSON read, 4 index entries JSON.
     * Returns 1 re-indexed, 0 changed meanwhile (left alone), -1 gone (its entries removed).
     */
    static final String REINDEX = HELPERS + """
            local base, id = ARGV[1], ARGV[2]
            local current = redis.call('GET', KEYS[1])
            if not current then
              forget(base, id)
              return -1
            end
            if current ~= ARGV[3] then return 0 end
            unindex(redis.call('HGET', base .. 'x', id))
            redis.call('SADD', base .. 'all', id)
            redis.call('HSET', base .. 'x', id, ARGV[4])
            index(ARGV[4])
            return 1
            """;

    /**
     * The save of an entity type without {@code @Indexed}, {@code @Version} or {@code @Expires}: the
     * document and its id, nothing else to keep in step. KEYS[1] entity key. ARGV: 1 base, 2 id,
     * 3 JSON, 4 numeric id (1) or not (0).
     */
    /**
     * A window of a numeric index in score order, with scores: KEYS[1] the sorted set; ARGV min, max
     * (inclusive, or -inf/+inf), offset, count, and 1 for descending (then min is the upper end).
     */
    static final String INDEX_WINDOW = """
            if ARGV[5] == '1' then
              return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', ARGV[3], ARGV[4])
            end
            return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', ARGV[3], ARGV[4])""";

    static final String SAVE_PLAIN = """
            redis.call('SET', KEYS[1], ARGV[3])
            redis.call('SADD', ARGV[1] .. 'all', ARGV[2])
            if ARGV[4] == '1' then
              local seq = tonumber(redis.call('GET', ARGV[1] .. 'seq') or '0')
              if tonumber(ARGV[2]) > seq then redis.call('SET', ARGV[1] .. 'seq', ARGV[2]) end
            end
            return {1}
            """;

    /**
     * {@link #SAVE_PLAIN} for many entities of one type in one call (all keys share the type's hash
     * tag). KEYS: the entity keys. ARGV: 1 base, 2 numeric ids (1) or not (0), then id and JSON per key.
     * Returns the number saved.
     */
    static final String SAVE_PLAIN_MANY = """
            local base, numeric = ARGV[1], ARGV[2] == '1'
            local kv, ids, maxId = {}, {}, 0
            for i = 1, #KEYS do
              local id = ARGV[1 + 2 * i]
              kv[2 * i - 1] = KEYS[i]
              kv[2 * i] = ARGV[2 + 2 * i]
              ids[i] = id
              if numeric and tonumber(id) > maxId then maxId = tonumber(id) end
            end
            redis.call('MSET', unpack(kv))
            redis.call('SADD', base .. 'all', unpack(ids))
            if numeric then
              local seq = tonumber(redis.call('GET', base .. 'seq') or '0')
              if maxId > seq then redis.call('SET', base .. 'seq', maxId) end
            end
            return #KEYS
            """;
}
