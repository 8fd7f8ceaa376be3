package io.polystore.keyvalue.internal;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Jedis: a pool of connections ({@link RedisClient}); pipelined work takes one connection for the
 * batch. Timeouts surface as {@code StoreTimeoutException}, refused or lost connections as
 * {@code StoreUnavailableException}.
 */
final class JedisOps implements RedisOps {
    private static final int CHUNK = 500;

    private final UnifiedJedis jedis;
    private final boolean cluster;
    private final Errors errors;
    private final ConcurrentHashMap<String, String> shas = new ConcurrentHashMap<>();

    /** When set, pipelines run on the shared connection instead of a pooled one (see {@link #connect}). */
    private final CoalescingExecutor pipelineOn;

    private JedisOps(UnifiedJedis jedis, boolean cluster, CoalescingExecutor pipelineOn, Errors errors) {
        this.jedis = jedis;
        this.cluster = cluster;
        this.pipelineOn = pipelineOn;
        this.errors = errors;
    }

    /** Runs {@code work} on a pipeline (synced by the work) of a pooled connection, or of the shared one. */
    private <R> R pipelined(java.util.function.Function<AbstractPipeline, R> work) {
        if (pipelineOn != null) {
            return pipelineOn.exclusive(c -> {
                try (AbstractPipeline p = new redis.clients.jedis.Pipeline(c)) {
                    return work.apply(p);
                }
            });
        }
        try (AbstractPipeline p = jedis.pipelined()) {
            return work.apply(p);
        }
    }

    /**
     * A single server. With {@code coalesce}, single commands share one connection and are written
     * together when threads send them at once ({@link CoalescingExecutor}); the pool of
     * {@code poolSize} connections then serves pipelined batches only, or nothing when
     * {@code exclusivePipelines} (replica acknowledgements: WAIT must follow every write on the
     * connection that made it). Without it, each command borrows a pooled connection.
     */
    static JedisOps connect(String host, int port, boolean ssl, int database, String user, String password,
                            int timeoutMillis, int connectTimeoutMillis, int poolSize, boolean coalesce,
                            boolean exclusivePipelines, Errors errors) {
        redis.clients.jedis.JedisClientConfig config = clientConfig(user, password, timeoutMillis, connectTimeoutMillis)
                .database(database).ssl(ssl).build();
        org.apache.commons.pool2.impl.GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = pool(poolSize, timeoutMillis);
        pool.setMaxIdle(poolSize);
        redis.clients.jedis.HostAndPort address = new redis.clients.jedis.HostAndPort(host, port);
        redis.clients.jedis.providers.PooledConnectionProvider pooled =
                new redis.clients.jedis.providers.PooledConnectionProvider(address, config, pool);
        CoalescingExecutor shared = coalesce
                ? new CoalescingExecutor(() -> new redis.clients.jedis.Connection(address, config), pooled) : null;
        RedisClient client;
        try {
            RedisClient.Builder builder = RedisClient.builder();
            builder.hostAndPort(address).clientConfig(config).connectionProvider(pooled);
            if (shared != null) {
                builder.commandExecutor(shared);
            }
            client = builder.build();
        } catch (RuntimeException e) {
            pooled.close();
            throw e;
        }
        JedisOps ops = new JedisOps(client, false, shared != null && exclusivePipelines ? shared : null, errors);
        try {
            client.ping(); // fail at startup, not at first use
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return ops;
    }

    /**
     * A Redis Cluster: commands route by key; keyless work (SCAN of untagged patterns) visits every
     * node; multi-key commands of the key-value capability go key by key in a pipeline, since its
     * keys may lie in different slots.
     */
    static JedisOps connectCluster(java.util.Set<redis.clients.jedis.HostAndPort> seeds, String user, String password,
                                   int timeoutMillis, int connectTimeoutMillis, int poolSize, Errors errors) {
        redis.clients.jedis.RedisClusterClient client = redis.clients.jedis.RedisClusterClient.builder().nodes(seeds)
                .clientConfig(clientConfig(user, password, timeoutMillis, connectTimeoutMillis).build())
                .poolConfig(pool(poolSize, timeoutMillis)).maxTotalRetriesDuration(java.time.Duration.ofMillis(timeoutMillis * 2L))
                .build();
        return new JedisOps(client, true, null, errors);
    }

    /** Timeouts, credentials and client name, shared by standalone and cluster clients. */
    private static DefaultJedisClientConfig.Builder clientConfig(String user, String password, int timeoutMillis,
                                                                 int connectTimeoutMillis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(timeoutMillis).connectionTimeoutMillis(connectTimeoutMillis).clientName("polystore");
        if (password != null) {
            config.password(password);
            if (user != null) {
                config.user(user);
            }
        }
        return config;
    }

    /** A pool of {@code size} connections whose callers wait at most the command timeout for one. */
    private static org.apache.commons.pool2.impl.GenericObjectPoolConfig<redis.clients.jedis.Connection> pool(int size, int timeoutMillis) {
        org.apache.commons.pool2.impl.GenericObjectPoolConfig<redis.clients.jedis.Connection> pool =
                new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>();
        pool.setMaxTotal(size);
        pool.setMaxWait(java.time.Duration.ofMillis(timeoutMillis));
        return pool;
    }

    @Override
    public String client() {
        return "jedis";
    }

    private <R> R call(String what, Supplier<R> work) {
        try {
            return work.get();
        } catch (JedisConnectionException e) {
            if (hasCause(e, SocketTimeoutException.class)) {
                throw errors.timeout(what, e);
            }
            throw errors.unavailable(what, e);
        } catch (JedisDataException e) {
            throw errors.failed(what, e);
        } catch (JedisException e) {
            if (String.valueOf(e.getMessage()).contains("Could not get a resource")) {
                throw errors.unavailable(what, e);
            }
            throw errors.failed(what, e);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private String sha(String script, String sampleKey) {
        return shas.computeIfAbsent(script, s -> call("load script",
                () -> cluster ? jedis.scriptLoad(s, sampleKey) : jedis.scriptLoad(s)));
    }

    private Object eval(String script, String[] keys, String[] args) {
        return call("script", () -> {
            try {
                return jedis.evalsha(sha(script, keys[0]), Arrays.asList(keys), Arrays.asList(args));
            } catch (JedisNoScriptException e) {
                return jedis.eval(script, Arrays.asList(keys), Arrays.asList(args)); // loads it on that node
            }
        });
    }

    private List<Object> evalAll(String script, List<String[]> keys, List<String[]> args) {
        if (keys.isEmpty()) {
            return new ArrayList<>();
        }
        String sha = sha(script, keys.get(0)[0]);
        List<Object> out = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += CHUNK) {
            int to = Math.min(keys.size(), from + CHUNK);
            int start = from;
            out.addAll(call("scripts", () -> {
                List<Response<Object>> responses = pipelined(p -> {
                    List<Response<Object>> sent = new ArrayList<>(to - start);
                    for (int i = start; i < to; i++) {
                        sent.add(p.evalsha(sha, Arrays.asList(keys.get(i)), Arrays.asList(args.get(i))));
                    }
                    p.sync();
                    return sent;
                });
                List<Object> results = new ArrayList<>(responses.size());
                for (int i = 0; i < responses.size(); i++) {
                    try {
                        results.add(responses.get(i).get());
                    } catch (JedisNoScriptException e) {
                        int at = start + i; // a node that had not seen the script yet
                        results.add(jedis.eval(script, Arrays.asList(keys.get(at)), Arrays.asList(args.get(at))));
                    }
                }
                return results;
            }));
        }
        return out;
    }

    @Override
    public String get(String key) {
        return call("GET", () -> jedis.get(key));
    }

    @Override
    public boolean exists(String key) {
        return call("EXISTS", () -> jedis.exists(key));
    }

    @Override
    public long incr(String key) {
        return call("INCR", () -> jedis.incr(key));
    }

    @Override
    public List<String> mget(List<String> keys) {
        List<String> out = new ArrayList<>(keys.size());
        if (keys.isEmpty()) {
            return out;
        }
        return call("MGET", () -> {
            List<Response<List<String>>> responses = pipelined(p -> {
                List<Response<List<String>>> sent = new ArrayList<>();
                for (int from = 0; from < keys.size(); from += CHUNK) {
                    sent.add(p.mget(keys.subList(from, Math.min(keys.size(), from + CHUNK)).toArray(new String[0])));
                }
                p.sync();
                return sent;
            });
            for (Response<List<String>> r : responses) {
                out.addAll(r.get());
            }
            return out;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Object> evalList(String script, String[] keys, String... args) {
        return (List<Object>) eval(script, keys, args);
    }

    @Override
    public long evalLong(String script, String[] keys, String... args) {
        return (Long) eval(script, keys, args);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<List<Object>> evalListAll(String script, List<String[]> keys, List<String[]> args) {
        List<List<Object>> out = new ArrayList<>();
        for (Object o : evalAll(script, keys, args)) {
            out.add((List<Object>) o);
        }
        return out;
    }

    @Override
    public List<Long> evalLongAll(String script, List<String[]> keys, List<String[]> args) {
        List<Long> out = new ArrayList<>();
        for (Object o : evalAll(script, keys, args)) {
            out.add((Long) o);
        }
        return out;
    }

    @Override
    public Set<String> smembers(String key) {
        return new LinkedHashSet<>(call("SMEMBERS", () -> jedis.smembers(key)));
    }

    @Override
    public long scard(String key) {
        return call("SCARD", () -> jedis.scard(key));
    }

    @Override
    public List<String> scanKeys(String match) {
        return call("SCAN", () -> {
            if (cluster && !(match.indexOf('{') >= 0 && match.indexOf('}') > match.indexOf('{') + 1)) {
                java.util.Set<String> keys = new LinkedHashSet<>(); // replicas list their primary's keys again
                for (redis.clients.jedis.ConnectionPool node : ((redis.clients.jedis.RedisClusterClient) jedis).getClusterNodes().values()) {
                    try (redis.clients.jedis.Connection c = node.getResource()) {
                        keys.addAll(scan(new redis.clients.jedis.Jedis(c)::scan, match));
                    }
                }
                return new ArrayList<>(keys);
            }
            return scan(jedis::scan, match);
        });
    }

    private static List<String> scan(java.util.function.BiFunction<String, ScanParams, ScanResult<String>> scanner, String match) {
        List<String> out = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = scanner.apply(cursor, new ScanParams().match(match).count(1000));
            out.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }

    @Override
    public void unlink(List<String> keys) {
        if (!keys.isEmpty()) {
            call("UNLINK", () -> jedis.unlink(keys.toArray(new String[0])));
        }
    }

    @Override
    public List<String> zrangeByLex(String key, String min, String max) {
        return call("ZRANGEBYLEX", () -> jedis.zrangeByLex(key, min, max));
    }

    @Override
    public List<String> zrangeByScore(String key, double min, double max) {
        return call("ZRANGEBYSCORE", () -> jedis.zrangeByScore(key, min, max));
    }

    @Override
    public List<Map.Entry<String, Double>> zrangeWithScores(String key) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        for (Tuple t : call("ZRANGE", () -> jedis.zrangeWithScores(key, 0, -1))) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(t.getElement(), t.getScore()));
        }
        return out;
    }

    @Override
    public long srem(String key, String member) {
        return call("SREM", () -> jedis.srem(key, member));
    }

    @Override
    public long zrem(String key, String member) {
        return call("ZREM", () -> jedis.zrem(key, member));
    }

    private static byte[] b(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] getBytes(String key) {
        return call("GET", () -> jedis.get(b(key)));
    }

    @Override
    public boolean setBytes(String key, byte[] value, long px, boolean nx) {
        if (px <= 0 && !nx) { // a bare SET, as a hand-written client sends it: no option object to build and write
            return "OK".equals(call("SET", () -> jedis.set(b(key), value)));
        }
        SetParams params = new SetParams();
        if (nx) {
            params.nx();
        }
        if (px > 0) {
            params.px(px);
        }
        return "OK".equals(call("SET", () -> jedis.set(b(key), value, params)));
    }

    @Override
    public long del(String key) {
        return call("DEL", () -> jedis.del(key));
    }

    @Override
    public boolean pexpire(String key, long millis) {
        return call("PEXPIRE", () -> jedis.pexpire(key, millis)) == 1;
    }

    @Override
    public long pttl(String key) {
        return call("PTTL", () -> jedis.pttl(key));
    }

    @Override
    public long incrBy(String key, long delta) {
        return call("INCRBY", () -> jedis.incrBy(key, delta));
    }

    @Override
    public List<byte[]> mgetBytes(List<String> keys) {
        byte[][] k = new byte[keys.size()][];
        for (int i = 0; i < k.length; i++) {
            k[i] = b(keys.get(i));
        }
        if (cluster) {
            return call("GET", () -> {
                List<Response<byte[]>> responses = pipelined(p -> {
                    List<Response<byte[]>> sent = new ArrayList<>(k.length);
                    for (byte[] key : k) {
                        sent.add(p.get(key));
                    }
                    p.sync();
                    return sent;
                });
                List<byte[]> out = new ArrayList<>(k.length);
                for (Response<byte[]> r : responses) {
                    out.add(r.get());
                }
                return out;
            });
        }
        return call("MGET", () -> jedis.mget(k));
    }

    @Override
    public void msetBytes(Map<String, byte[]> values) {
        byte[][] kv = new byte[values.size() * 2][];
        int i = 0;
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            kv[i++] = b(e.getKey());
            kv[i++] = e.getValue();
        }
        if (cluster) {
            call("SET", () -> pipelined(p -> {
                for (int j = 0; j < kv.length; j += 2) {
                    p.set(kv[j], kv[j + 1]);
                }
                p.sync();
                return null;
            }));
            return;
        }
        call("MSET", () -> jedis.mset(kv));
    }

    @Override
    public void setAll(List<String> keys, java.util.function.IntFunction<byte[]> value) {
        call("MSET", () -> pipelined(p -> {
            for (int from = 0; from < keys.size(); from += WINDOW) {
                int to = Math.min(keys.size(), from + WINDOW);
                byte[][] kv = new byte[2 * (to - from)][];
                for (int i = from; i < to; i++) {
                    kv[2 * (i - from)] = b(keys.get(i));
                    kv[2 * (i - from) + 1] = value.apply(i);
                }
                p.mset(kv); // written as the pipeline's buffer fills: the server starts on it at once
            }
            p.sync();
            return null;
        }));
    }

    @Override
    public long waitForReplicas(String key, int replicas, long timeoutMillis) {
        return call("WAIT", () -> jedis.waitReplicas(key, replicas, timeoutMillis));
    }

    @Override
    public boolean isOpen() {
        return !(jedis instanceof RedisClient single) || !single.getPool().isClosed();
    }

    @Override
    public void close() {
        jedis.close();
    }
}
