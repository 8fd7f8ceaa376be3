package io.polystore.pagecache.internal;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The shared tier on Jedis (a pool of blocking connections): standalone or cluster. Writes go to a
 * small executor with a bounded queue, so a slow Redis never holds a request thread; when the
 * queue is full a write is dropped and counted as a failure. The subscription runs on its own
 * thread and subscribes again after a lost connection.
 */
public final class JedisTier implements SharedTier {

    private final UnifiedJedis jedis;
    private final boolean cluster;
    private final ThreadPoolExecutor writes;
    private volatile Thread subscriber;
    private volatile JedisPubSub pubSub;
    private volatile boolean closed;

    /**
     * @param uri            {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} or
     *                       {@code redis-cluster://host:port,host:port}
     * @param commandTimeout socket timeout of one command (and the longest wait for a pooled connection)
     * @param connectTimeout how long connecting may take
     */
    public JedisTier(String uri, Duration commandTimeout, Duration connectTimeout) {
        RedisAddress address = RedisAddress.parse(uri);
        boolean isCluster = address.cluster();
        URI parsed = address.uris().get(0);
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .socketTimeoutMillis((int) commandTimeout.toMillis())
                .connectionTimeoutMillis((int) connectTimeout.toMillis()).clientName("polystore-pages")
                .ssl("rediss".equals(parsed.getScheme()));
        String userInfo = parsed.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? null : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            config.password(password);
            if (user != null && !user.isEmpty()) {
                config.user(user);
            }
        }
        org.apache.commons.pool2.impl.GenericObjectPoolConfig<Connection> pool =
                new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(commandTimeout);
        if (isCluster) {
            Set<HostAndPort> seeds = new LinkedHashSet<>();
            for (URI node : address.uris()) {
                seeds.add(new HostAndPort(node.getHost(), node.getPort() < 0 ? 6379 : node.getPort()));
            }
            this.jedis = RedisClusterClient.builder().nodes(seeds).clientConfig(config.build()).poolConfig(pool)
                    .maxTotalRetriesDuration(commandTimeout.multipliedBy(2)).build();
        } else {
            String path = parsed.getPath();
            if (path != null && path.length() > 1) {
                config.database(Integer.parseInt(path.substring(1)));
            }
            this.jedis = RedisClient.builder().hostAndPort(parsed.getHost(), parsed.getPort() < 0 ? 6379 : parsed.getPort())
                    .clientConfig(config.build()).poolConfig(pool).build();
            try {
                jedis.ping(); // fail at startup, not at first use
            } catch (RuntimeException e) {
                jedis.close();
                throw e;
            }
        }
        this.cluster = isCluster;
        this.writes = TierThreads.writers();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[][] lookup(String key) {
        List<byte[]> values = jedis.hmget(b(key), b("v"), b(NO_VARIANT));
        return new byte[][] {values.get(0), values.get(1)};
    }

    @Override
    public byte[] variant(String key, String variant) {
        return jedis.hget(b(key), b(variant));
    }

    @Override
    public void store(String key, String vary, String variant, byte[] page, long ttlMillis, List<String> tagKeys,
            Consumer<Throwable> onDone) {
        byte[] ttl = b(Long.toString(Math.max(1, ttlMillis)));
        TierThreads.write(writes, () -> {
            jedis.eval(b(Scripts.STORE), List.of(b(key)), List.of(b(vary), b(variant), page, ttl));
            for (String tagKey : tagKeys) {
                jedis.eval(b(Scripts.TAG), List.of(b(tagKey)), List.of(b(key), ttl));
            }
        }, onDone);
    }

    @Override
    public void delete(List<String> keys) {
        byte[] mark = b(Long.toString(PURGE_MARK_MILLIS));
        for (String k : keys) {
            jedis.eval(b(Scripts.PURGE), List.of(b(k)), List.of(mark)); // one key per call: cluster slots differ
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> takeTag(String tagKey) {
        List<String> out = new ArrayList<>();
        for (Object m : (List<Object>) jedis.eval(b(Scripts.TAKE), List.of(b(tagKey)), List.of())) {
            out.add(new String((byte[]) m, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public List<String> scan(String match) {
        if (!cluster) {
            return scan(jedis::scan, match);
        }
        Set<String> keys = new LinkedHashSet<>(); // a replica would list its primary's keys again
        for (ConnectionPool node : ((RedisClusterClient) jedis).getClusterNodes().values()) {
            try (Connection c = node.getResource()) {
                keys.addAll(scan(new Jedis(c)::scan, match));
            }
        }
        return new ArrayList<>(keys);
    }

    private static List<String> scan(java.util.function.BiFunction<String, ScanParams, ScanResult<String>> scanner,
            String match) {
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
    public boolean tryLock(String lockKey, String owner, long ttlMillis) {
        return "OK".equals(jedis.set(lockKey, owner, SetParams.setParams().nx().px(ttlMillis)));
    }

    @Override
    public void unlock(String lockKey, String owner) {
        // the lock expires by itself when the write is dropped
        TierThreads.writeOrDrop(writes, () -> jedis.eval(b(Scripts.UNLOCK), List.of(b(lockKey)), List.of(b(owner))));
    }

    @Override
    public void publish(String channel, String message) {
        jedis.publish(channel, message);
    }

    @Override
    public void subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect) {
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        subscriber = TierThreads.subscriber(() -> {
            boolean subscribedBefore = false;
            while (!closed) {
                boolean[] again = {subscribedBefore};
                JedisPubSub listener = new JedisPubSub() {
                    @Override
                    public void onMessage(String ch, String message) {
                        onMessage.accept(message);
                    }

                    @Override
                    public void onSubscribe(String ch, int count) {
                        if (again[0]) {
                            // the subscription was lost: whatever was published meanwhile was missed
                            onReconnect.run();
                        }
                        first.countDown();
                    }
                };
                pubSub = listener;
                try {
                    jedis.subscribe(listener, channel);
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                }
                subscribedBefore = true;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        TierThreads.awaitFirst(first, channel);
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub p = pubSub;
        if (p != null) {
            try {
                p.unsubscribe();
            } catch (RuntimeException e) {
                // the connection is gone already
            }
        }
        Thread t = subscriber;
        if (t != null) {
            t.interrupt();
        }
        TierThreads.stop(writes);
        jedis.close();
    }
}
