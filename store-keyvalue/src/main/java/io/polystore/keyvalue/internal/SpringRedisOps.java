package io.polystore.keyvalue.internal;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Spring Data Redis: the application's {@link RedisConnectionFactory} (Lettuce or Jedis underneath,
 * configured by the application). Each operation takes a connection from the factory (a shared
 * native connection for Lettuce) and returns it; batches run in one pipeline. On a cluster factory
 * (Spring has no pipelines there) batches run command by command, MGET/MSET/UNLINK are split by
 * slot by Spring, and SCAN asks every primary. The factory is the application's: closing the store
 * does not close it.
 */
final class SpringRedisOps implements RedisOps {
    private static final int CHUNK = 500;

    private final RedisConnectionFactory factory;
    private final Errors errors;
    private final ConcurrentHashMap<String, String> shas = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> digests = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    SpringRedisOps(RedisConnectionFactory factory, Errors errors) {
        this.factory = factory;
        this.errors = errors;
    }

    @Override
    public String client() {
        return "spring-data-redis";
    }

    private <R> R call(String what, Function<RedisConnection, R> work) {
        try (RedisConnection c = factory.getConnection()) {
            return work.apply(c);
        } catch (QueryTimeoutException e) {
            throw errors.timeout(what, e);
        } catch (RedisConnectionFailureException e) {
            throw errors.unavailable(what, e);
        } catch (DataAccessException e) {
            throw errors.failed(what, e);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Object o) {
        return o == null ? null : o instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : o.toString();
    }

    private static byte[][] bytes(List<String> keys) {
        byte[][] out = new byte[keys.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = b(keys.get(i));
        }
        return out;
    }

    private static byte[][] keysAndArgs(String[] keys, String[] args) {
        byte[][] out = new byte[keys.length + args.length][];
        for (int i = 0; i < keys.length; i++) {
            out[i] = b(keys[i]);
        }
        for (int i = 0; i < args.length; i++) {
            out[keys.length + i] = b(args[i]);
        }
        return out;
    }

    private String sha(String script) {
        return shas.computeIfAbsent(script, sc -> call("load script", c -> c.scriptingCommands().scriptLoad(b(sc))));
    }

    private static boolean noScript(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private Object eval(String script, ReturnType type, String[] keys, String[] args) {
        return call("script", c -> eval(c, script, type, keys, args));
    }

    /**
     * EVALSHA by the script's digest, computed here; a node that does not know the script (a cluster
     * node the script never reached, a SCRIPT FLUSH) gets the script itself, which it then keeps.
     */
    private Object eval(RedisConnection c, String script, ReturnType type, String[] keys, String[] args) {
        byte[][] keysAndArgs = keysAndArgs(keys, args);
        try {
            return c.scriptingCommands().evalSha(digest(script), type, keys.length, keysAndArgs);
        } catch (RuntimeException e) {
            if (!noScript(e)) {
                throw e;
            }
            return c.scriptingCommands().eval(b(script), type, keys.length, keysAndArgs);
        }
    }

    private String digest(String script) {
        return digests.computeIfAbsent(script, sc -> {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b(sc)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Spring offers no pipelines on a cluster connection (and MGET, MSET, UNLINK split by slot there). */
    private static boolean clustered(RedisConnection c) {
        return c instanceof RedisClusterConnection;
    }

    private List<Object> evalAll(String script, ReturnType type, List<String[]> keys, List<String[]> args) {
        List<Object> out = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += CHUNK) {
            int start = from;
            int to = Math.min(keys.size(), from + CHUNK);
            out.addAll(call("scripts", c -> {
                if (clustered(c)) {
                    List<Object> results = new ArrayList<>(to - start);
                    for (int i = start; i < to; i++) {
                        results.add(eval(c, script, type, keys.get(i), args.get(i)));
                    }
                    return results;
                }
                String sha = sha(script); // loaded first: a pipeline cannot fall back on NOSCRIPT
                c.openPipeline();
                for (int i = start; i < to; i++) {
                    c.scriptingCommands().evalSha(sha, type, keys.get(i).length, keysAndArgs(keys.get(i), args.get(i)));
                }
                return c.closePipeline();
            }));
        }
        return out;
    }

    private static List<Object> strings(Object result) {
        List<Object> out = new ArrayList<>();
        for (Object o : (List<?>) result) {
            out.add(o instanceof byte[] ? s(o) : o);
        }
        return out;
    }

    @Override
    public String get(String key) {
        return s(call("GET", c -> c.stringCommands().get(b(key))));
    }

    @Override
    public boolean exists(String key) {
        return Boolean.TRUE.equals(call("EXISTS", c -> c.keyCommands().exists(b(key))));
    }

    @Override
    public long incr(String key) {
        return call("INCR", c -> c.stringCommands().incr(b(key)));
    }

    @Override
    public List<String> mget(List<String> keys) {
        List<String> out = new ArrayList<>(keys.size());
        if (keys.isEmpty()) {
            return out;
        }
        List<Object> results = call("MGET", c -> {
            boolean pipelined = !clustered(c);
            if (pipelined) {
                c.openPipeline();
            }
            List<Object> chunks = new ArrayList<>();
            for (int from = 0; from < keys.size(); from += CHUNK) {
                List<byte[]> values = c.stringCommands().mGet(bytes(keys.subList(from, Math.min(keys.size(), from + CHUNK))));
                if (!pipelined) {
                    chunks.add(values);
                }
            }
            return pipelined ? c.closePipeline() : chunks;
        });
        for (Object r : results) {
            for (Object v : (List<?>) r) {
                out.add(s(v));
            }
        }
        return out;
    }

    @Override
    public List<Object> evalList(String script, String[] keys, String... args) {
        return strings(eval(script, ReturnType.MULTI, keys, args));
    }

    @Override
    public long evalLong(String script, String[] keys, String... args) {
        return (Long) eval(script, ReturnType.INTEGER, keys, args);
    }

    @Override
    public List<List<Object>> evalListAll(String script, List<String[]> keys, List<String[]> args) {
        List<List<Object>> out = new ArrayList<>();
        for (Object o : evalAll(script, ReturnType.MULTI, keys, args)) {
            out.add(strings(o));
        }
        return out;
    }

    @Override
    public List<Long> evalLongAll(String script, List<String[]> keys, List<String[]> args) {
        List<Long> out = new ArrayList<>();
        for (Object o : evalAll(script, ReturnType.INTEGER, keys, args)) {
            out.add((Long) o);
        }
        return out;
    }

    @Override
    public Set<String> smembers(String key) {
        Set<String> out = new LinkedHashSet<>();
        for (byte[] m : call("SMEMBERS", c -> c.setCommands().sMembers(b(key)))) {
            out.add(s(m));
        }
        return out;
    }

    @Override
    public long scard(String key) {
        return call("SCARD", c -> c.setCommands().sCard(b(key)));
    }

    @Override
    public List<String> scanKeys(String match) {
        ScanOptions options = ScanOptions.scanOptions().match(match).count(1000).build();
        return call("SCAN", c -> {
            Set<String> out = new LinkedHashSet<>();
            if (c instanceof RedisClusterConnection cluster) {
                // SCAN does not cross nodes: ask every primary
                for (RedisClusterNode node : cluster.clusterGetNodes()) {
                    if (node.isMaster()) {
                        try (Cursor<byte[]> cursor = cluster.scan(node, options)) {
                            cursor.forEachRemaining(k -> out.add(s(k)));
                        }
                    }
                }
            } else {
                try (Cursor<byte[]> cursor = c.keyCommands().scan(options)) {
                    cursor.forEachRemaining(k -> out.add(s(k)));
                }
            }
            return new ArrayList<>(out);
        });
    }

    @Override
    public void unlink(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        byte[][] k = bytes(keys);
        call("UNLINK", c -> c.keyCommands().unlink(k));
    }

    private static Range.Bound<byte[]> lex(String boundary) {
        if (boundary.equals("-") || boundary.equals("+")) {
            return Range.Bound.unbounded();
        }
        byte[] value = b(boundary.substring(1));
        return boundary.charAt(0) == '[' ? Range.Bound.inclusive(value) : Range.Bound.exclusive(value);
    }

    @Override
    public List<String> zrangeByLex(String key, String min, String max) {
        List<String> out = new ArrayList<>();
        for (byte[] m : call("ZRANGEBYLEX", c -> c.zSetCommands().zRangeByLex(b(key), Range.of(lex(min), lex(max))))) {
            out.add(s(m));
        }
        return out;
    }

    @Override
    public List<String> zrangeByScore(String key, double min, double max) {
        List<String> out = new ArrayList<>();
        for (byte[] m : call("ZRANGEBYSCORE", c -> c.zSetCommands().zRangeByScore(b(key), min, max))) {
            out.add(s(m));
        }
        return out;
    }

    @Override
    public List<Map.Entry<String, Double>> zrangeWithScores(String key) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        for (Tuple t : call("ZRANGE", c -> c.zSetCommands().zRangeWithScores(b(key), 0, -1))) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(s(t.getValue()), t.getScore()));
        }
        return out;
    }

    @Override
    public long srem(String key, String member) {
        return call("SREM", c -> c.setCommands().sRem(b(key), b(member)));
    }

    @Override
    public long zrem(String key, String member) {
        return call("ZREM", c -> c.zSetCommands().zRem(b(key), b(member)));
    }

    @Override
    public byte[] getBytes(String key) {
        return call("GET", c -> c.stringCommands().get(b(key)));
    }

    @Override
    public boolean setBytes(String key, byte[] value, long px, boolean nx) {
        Expiration expiration = px > 0 ? Expiration.milliseconds(px) : Expiration.persistent();
        RedisStringCommands.SetOption option = nx ? RedisStringCommands.SetOption.ifAbsent() : RedisStringCommands.SetOption.upsert();
        return Boolean.TRUE.equals(call("SET", c -> c.stringCommands().set(b(key), value, expiration, option)));
    }

    @Override
    public long del(String key) {
        return call("DEL", c -> c.keyCommands().del(b(key)));
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return Boolean.TRUE.equals(call("PEXPIRE", c -> c.keyCommands().pExpire(b(key), millis)));
    }

    @Override
    public long pttl(String key) {
        return call("PTTL", c -> c.keyCommands().pTtl(b(key)));
    }

    @Override
    public long incrBy(String key, long delta) {
        return call("INCRBY", c -> c.stringCommands().incrBy(b(key), delta));
    }

    @Override
    public List<byte[]> mgetBytes(List<String> keys) {
        byte[][] k = bytes(keys);
        return call("MGET", c -> c.stringCommands().mGet(k));
    }

    @Override
    public void msetBytes(Map<String, byte[]> values) {
        Map<byte[], byte[]> raw = new LinkedHashMap<>();
        values.forEach((k, v) -> raw.put(b(k), v));
        call("MSET", c -> c.stringCommands().mSet(raw));
    }

    @Override
    public void setAll(List<String> keys, java.util.function.IntFunction<byte[]> value) {
        call("MSET", c -> {
            boolean pipelined = !clustered(c);
            if (pipelined) {
                c.openPipeline();
            }
            for (int from = 0; from < keys.size(); from += WINDOW) {
                Map<byte[], byte[]> window = new LinkedHashMap<>();
                for (int i = from; i < Math.min(keys.size(), from + WINDOW); i++) {
                    window.put(b(keys.get(i)), value.apply(i));
                }
                c.stringCommands().mSet(window);
            }
            return pipelined ? c.closePipeline() : null;
        });
    }

    @Override
    public long waitForReplicas(String key, int replicas, long timeoutMillis) {
        Object r = call("WAIT", c -> c.execute("WAIT", b(Integer.toString(replicas)), b(Long.toString(timeoutMillis))));
        return r instanceof Number n ? n.longValue() : Long.parseLong(s(r));
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false; // the factory belongs to the application
    }
}
