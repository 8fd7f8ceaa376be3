package io.polystore.keyvalue.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.polystore.StoreException;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Lettuce: one thread-safe, multiplexed connection for text (concurrent callers' commands are
 * pipelined on it) and one with a bytes value codec for the key-value capability. While the
 * connection is down commands fail at once instead of queueing; Lettuce reconnects in the background.
 */
final class LettuceOps implements RedisOps {
    private static final int CHUNK = 500;

    private final AutoCloseable client;
    private final io.lettuce.core.api.StatefulConnection<String, String> text;
    private final io.lettuce.core.api.StatefulConnection<String, byte[]> bytesConnection;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisClusterCommands<String, byte[]> bytes;
    private final RedisClusterAsyncCommands<String, byte[]> bytesAsync;
    private final Duration timeout;
    private final Errors errors;
    private final ConcurrentHashMap<String, String> shas = new ConcurrentHashMap<>();

    private LettuceOps(AutoCloseable client, io.lettuce.core.api.StatefulConnection<String, String> text,
                       RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
                       io.lettuce.core.api.StatefulConnection<String, byte[]> bytesConnection,
                       RedisClusterCommands<String, byte[]> bytes, RedisClusterAsyncCommands<String, byte[]> bytesAsync,
                       Duration timeout, Errors errors) {
        this.client = client;
        this.text = text;
        this.sync = sync;
        this.async = async;
        this.bytesConnection = bytesConnection;
        this.bytes = bytes;
        this.bytesAsync = bytesAsync;
        this.timeout = timeout;
        this.errors = errors;
    }

    /** Connects; throws the client's exception when it cannot (the caller words the message). */
    static LettuceOps connect(RedisURI uri, Duration timeout, Duration connectTimeout, Errors errors) {
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            StatefulRedisConnection<String, String> text = client.connect(uri);
            StatefulRedisConnection<String, byte[]> bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri);
            return new LettuceOps(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)), text, text.sync(), text.async(),
                    bytes, bytes.sync(), bytes.async(), timeout, errors);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    /**
     * Connects to a Redis Cluster. Multi-key commands (MGET, UNLINK) are split by slot and SCAN
     * visits every node; the topology is refreshed periodically and on MOVED/ASK and reconnects,
     * so a failover is followed.
     */
    static LettuceOps connectCluster(List<RedisURI> seeds, Duration timeout, Duration connectTimeout, Errors errors) {
        for (RedisURI u : seeds) {
            u.setTimeout(timeout);
        }
        io.lettuce.core.cluster.RedisClusterClient client = io.lettuce.core.cluster.RedisClusterClient.create(seeds);
        client.setOptions(io.lettuce.core.cluster.ClusterClientOptions.builder()
                // node connections open on first use: commands wait for them (bounded by the timeout)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .topologyRefreshOptions(io.lettuce.core.cluster.ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(10))
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        try {
            io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String> text = client.connect();
            io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, byte[]> bytes =
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            return new LettuceOps(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)), text, text.sync(), text.async(),
                    bytes, bytes.sync(), bytes.async(), timeout, errors);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    @Override
    public String client() {
        return "lettuce";
    }

    private RedisClusterCommands<String, String> sync() {
        return sync;
    }

    private <R> R call(String what, Supplier<R> work) {
        try {
            return work.get();
        } catch (RedisCommandTimeoutException e) {
            throw errors.timeout(what, e);
        } catch (RedisConnectionException e) {
            throw errors.unavailable(what, e);
        } catch (RedisCommandExecutionException e) {
            throw errors.failed(what, e);
        } catch (RedisException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("not connected") || m.contains("Connection closed") || m.contains("disconnected")) {
                throw errors.unavailable(what, e);
            }
            throw errors.failed(what, e);
        }
    }

    private <R> R await(String what, RedisFuture<R> future) {
        return call(what, () -> {
            try {
                return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new StoreException(what + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new RedisCommandTimeoutException("no answer within " + timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(what + " interrupted", e);
            }
        });
    }

    private String sha(String script) {
        return shas.computeIfAbsent(script, s -> call("load script", () -> sync().scriptLoad(s)));
    }

    private <T> T eval(String script, ScriptOutputType type, String[] keys, String[] args) {
        return call("script", () -> {
            try {
                return sync().evalsha(sha(script), type, keys, args);
            } catch (RedisNoScriptException e) {
                return sync().eval(script, type, keys, args); // loads it on the node that lacked it
            }
        });
    }

    private <T> List<T> evalAll(String script, ScriptOutputType type, List<String[]> keys, List<String[]> args) {
        String sha = sha(script);
        List<T> out = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += CHUNK) {
            int to = Math.min(keys.size(), from + CHUNK);
            int start = from;
            List<RedisFuture<T>> futures = call("scripts", () -> {
                List<RedisFuture<T>> fs = new ArrayList<>(to - start);
                for (int i = start; i < to; i++) {
                    fs.add(async.evalsha(sha, type, keys.get(i), args.get(i)));
                }
                return fs;
            });
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(await("scripts", futures.get(i)));
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof RedisNoScriptException) && !(e instanceof RedisNoScriptException)) {
                        throw e;
                    }
                    int at = start + i;
                    out.add(call("script", () -> sync().<T>eval(script, type, keys.get(at), args.get(at))));
                }
            }
        }
        return out;
    }

    @Override
    public String get(String key) {
        return call("GET", () -> sync().get(key));
    }

    @Override
    public boolean exists(String key) {
        return call("EXISTS", () -> sync().exists(key)) > 0;
    }

    @Override
    public long incr(String key) {
        return call("INCR", () -> sync().incr(key));
    }

    @Override
    public List<String> mget(List<String> keys) {
        List<String> out = new ArrayList<>(keys.size());
        List<RedisFuture<List<KeyValue<String, String>>>> futures = call("MGET", () -> {
            List<RedisFuture<List<KeyValue<String, String>>>> fs = new ArrayList<>();
            for (int from = 0; from < keys.size(); from += CHUNK) {
                fs.add(async.mget(keys.subList(from, Math.min(keys.size(), from + CHUNK)).toArray(new String[0])));
            }
            return fs;
        });
        for (RedisFuture<List<KeyValue<String, String>>> f : futures) {
            for (KeyValue<String, String> kv : await("MGET", f)) {
                out.add(kv.hasValue() ? kv.getValue() : null);
            }
        }
        return out;
    }

    @Override
    public List<Object> evalList(String script, String[] keys, String... args) {
        return eval(script, ScriptOutputType.MULTI, keys, args);
    }

    @Override
    public long evalLong(String script, String[] keys, String... args) {
        Long r = eval(script, ScriptOutputType.INTEGER, keys, args);
        return r;
    }

    @Override
    public List<List<Object>> evalListAll(String script, List<String[]> keys, List<String[]> args) {
        return evalAll(script, ScriptOutputType.MULTI, keys, args);
    }

    @Override
    public List<Long> evalLongAll(String script, List<String[]> keys, List<String[]> args) {
        return evalAll(script, ScriptOutputType.INTEGER, keys, args);
    }

    @Override
    public Set<String> smembers(String key) {
        return new LinkedHashSet<>(call("SMEMBERS", () -> sync().smembers(key)));
    }

    @Override
    public long scard(String key) {
        return call("SCARD", () -> sync().scard(key));
    }

    @Override
    public List<String> scanKeys(String match) {
        return call("SCAN", () -> {
            RedisClusterCommands<String, String> on = sync();
            int open = match.indexOf('{');
            if (text instanceof io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String> cluster
                    && open >= 0 && match.indexOf('}', open) > open + 1) {
                // every key the pattern can match hashes to the tag's slot: ask only its primary, so that
                // a node that is down elsewhere in the cluster does not stop the scan
                io.lettuce.core.cluster.models.partitions.RedisClusterNode owner =
                        cluster.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot(match));
                if (owner != null) {
                    on = cluster.getConnection(owner.getNodeId()).sync();
                }
            }
            List<String> out = new ArrayList<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = on.scan(cursor, ScanArgs.Builder.matches(match).limit(1000));
                out.addAll(page.getKeys());
                cursor = page;
            } while (!cursor.isFinished());
            return out;
        });
    }

    @Override
    public void unlink(List<String> keys) {
        if (!keys.isEmpty()) {
            call("UNLINK", () -> sync().unlink(keys.toArray(new String[0])));
        }
    }

    private static Range.Boundary<String> lex(String boundary) {
        if (boundary.equals("-") || boundary.equals("+")) {
            return Range.Boundary.unbounded();
        }
        String value = boundary.substring(1);
        return boundary.charAt(0) == '[' ? Range.Boundary.including(value) : Range.Boundary.excluding(value);
    }

    @Override
    public List<String> zrangeByLex(String key, String min, String max) {
        return call("ZRANGEBYLEX", () -> sync().zrangebylex(key, Range.from(lex(min), lex(max))));
    }

    @Override
    public List<String> zrangeByScore(String key, double min, double max) {
        Range.Boundary<Double> lower = Double.isInfinite(min) ? Range.Boundary.unbounded() : Range.Boundary.including(min);
        Range.Boundary<Double> upper = Double.isInfinite(max) ? Range.Boundary.unbounded() : Range.Boundary.including(max);
        return call("ZRANGEBYSCORE", () -> sync().zrangebyscore(key, Range.from(lower, upper)));
    }

    @Override
    public List<Map.Entry<String, Double>> zrangeWithScores(String key) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        for (ScoredValue<String> v : call("ZRANGE", () -> sync().zrangeWithScores(key, 0, -1))) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(v.getValue(), v.getScore()));
        }
        return out;
    }

    @Override
    public long srem(String key, String member) {
        return call("SREM", () -> sync().srem(key, member));
    }

    @Override
    public long zrem(String key, String member) {
        return call("ZREM", () -> sync().zrem(key, member));
    }

    @Override
    public byte[] getBytes(String key) {
        return call("GET", () -> bytes.get(key));
    }

    @Override
    public boolean setBytes(String key, byte[] value, long px, boolean nx) {
        SetArgs args = nx ? SetArgs.Builder.nx() : new SetArgs();
        if (px > 0) {
            args = args.px(px);
        }
        SetArgs a = args;
        return "OK".equals(call("SET", () -> bytes.set(key, value, a)));
    }

    @Override
    public long del(String key) {
        return call("DEL", () -> bytes.del(key));
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return Boolean.TRUE.equals(call("PEXPIRE", () -> bytes.pexpire(key, millis)));
    }

    @Override
    public long pttl(String key) {
        return call("PTTL", () -> bytes.pttl(key));
    }

    @Override
    public long incrBy(String key, long delta) {
        return call("INCRBY", () -> bytes.incrby(key, delta));
    }

    @Override
    public List<byte[]> mgetBytes(List<String> keys) {
        List<byte[]> out = new ArrayList<>(keys.size());
        for (KeyValue<String, byte[]> kv : call("MGET", () -> bytes.mget(keys.toArray(new String[0])))) {
            out.add(kv.hasValue() ? kv.getValue() : null);
        }
        return out;
    }

    @Override
    public void msetBytes(Map<String, byte[]> values) {
        call("MSET", () -> bytes.mset(values));
    }

    @Override
    public void setAll(List<String> keys, java.util.function.IntFunction<byte[]> value) {
        List<RedisFuture<String>> futures = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += WINDOW) {
            int to = Math.min(keys.size(), from + WINDOW);
            Map<String, byte[]> window = new java.util.LinkedHashMap<>(2 * (to - from));
            for (int i = from; i < to; i++) {
                window.put(keys.get(i), value.apply(i));
            }
            futures.add(call("MSET", () -> bytesAsync.mset(window)));
        }
        for (RedisFuture<String> f : futures) {
            await("MSET", f);
        }
    }

    /**
     * WAIT confirms the writes of the connection it runs on, and writes go out on two: the text
     * connection (scripts, strings) and the bytes connection (values, MSET batches). So it runs on
     * both, at once, and the lower count is the answer. On a cluster, on the key's primary through
     * the connection that slot-routed commands use (keyed by host and port, not by node id).
     */
    @Override
    public long waitForReplicas(String key, int replicas, long timeoutMillis) {
        RedisFuture<Long> onText = call("WAIT", () -> waitOn(text, key, replicas, timeoutMillis));
        RedisFuture<Long> onBytes = call("WAIT", () -> waitOn(bytesConnection, key, replicas, timeoutMillis));
        return Math.min(await("WAIT", onText), await("WAIT", onBytes));
    }

    @SuppressWarnings("unchecked")
    private static <V> RedisFuture<Long> waitOn(io.lettuce.core.api.StatefulConnection<String, V> connection, String key,
                                                int replicas, long timeoutMillis) {
        if (connection instanceof io.lettuce.core.cluster.api.StatefulRedisClusterConnection<?, ?> any) {
            io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, V> cluster =
                    (io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, V>) any;
            RedisURI primary = cluster.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot(key)).getUri();
            return cluster.getConnection(primary.getHost(), primary.getPort()).async().waitForReplication(replicas, timeoutMillis);
        }
        return ((StatefulRedisConnection<String, V>) connection).async().waitForReplication(replicas, timeoutMillis);
    }

    @Override
    public boolean isOpen() {
        return text.isOpen();
    }

    @Override
    public void close() {
        try {
            text.close();
            bytesConnection.close();
        } finally {
            try {
                client.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot shut the Redis client down", e);
            }
        }
    }
}
