package io.polystore.pagecache.internal;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The shared tier on an application's Spring Data Redis {@link RedisConnectionFactory} (Lettuce or
 * Jedis underneath, standalone, Sentinel or cluster, configured by the application). Every call
 * takes a connection from the factory and gives it back, so the tier shares the application's
 * connections. The factory's command timeout is the application's (Lettuce's default is 60 s), so
 * the calls a request waits for (reads, the render lock, a heartbeat) run on a small pool and the
 * request waits at most the cache's own command timeout for them: a frozen Redis costs a request that long, never the factory's timeout.
 * Writes go to a small executor with a bounded queue, as on the other clients, and the subscription
 * keeps one connection of its own on a thread that subscribes again when it is lost. Closing the
 * tier does not close the factory.
 */
public final class SpringRedisTier implements SharedTier {
    /** reads in flight at most; more fail at once (a frozen Redis holds each for the factory's timeout) */
    private static final int READERS = 32;

    private final RedisConnectionFactory factory;
    private final long timeoutNanos;
    private final ThreadPoolExecutor reads;
    private final ThreadPoolExecutor writes;
    private volatile RedisConnection subscription;
    private volatile Thread subscriber;
    private volatile boolean closed;

    /**
     * Checks that the factory answers (a PING), so that an unreachable Redis is reported at startup.
     *
     * @param factory        the application's connection factory, started
     * @param commandTimeout how long a request waits for one read
     */
    public SpringRedisTier(RedisConnectionFactory factory, java.time.Duration commandTimeout) {
        this.factory = java.util.Objects.requireNonNull(factory, "factory");
        this.timeoutNanos = commandTimeout.toNanos();
        call(RedisConnection::ping);
        this.reads = new ThreadPoolExecutor(0, READERS, 30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "page-cache-redis-read");
            t.setDaemon(true);
            return t;
        });
        this.writes = TierThreads.writers();
    }

    private <R> R call(Function<RedisConnection, R> work) {
        try (RedisConnection c = factory.getConnection()) {
            return work.apply(c);
        }
    }

    /** A read a request waits for: at most the cache's command timeout, whatever the factory's is. */
    private <R> R bounded(Function<RedisConnection, R> work) {
        java.util.concurrent.Future<R> f = reads.submit(() -> call(work)); // RejectedExecutionException when all are busy
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("Redis did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted while waiting for Redis");
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[][] lookup(String key) {
        List<byte[]> values = bounded(c -> c.hashCommands().hMGet(b(key), b("v"), b(NO_VARIANT)));
        byte[][] out = new byte[2][];
        for (int i = 0; values != null && i < 2 && i < values.size(); i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Override
    public byte[] variant(String key, String variant) {
        return bounded(c -> c.hashCommands().hGet(b(key), b(variant)));
    }

    private static Object eval(RedisConnection c, String script, ReturnType type, byte[]... keyAndArgs) {
        return c.scriptingCommands().eval(b(script), type, 1, keyAndArgs);
    }

    @Override
    public void store(String key, String vary, String variant, byte[] page, long ttlMillis, List<String> tagKeys,
            Consumer<Throwable> onDone) {
        byte[] ttl = b(Long.toString(Math.max(1, ttlMillis)));
        TierThreads.write(writes, () -> call(c -> {
            eval(c, Scripts.STORE, ReturnType.INTEGER, b(key), b(vary), b(variant), page, ttl);
            for (String tagKey : tagKeys) {
                eval(c, Scripts.TAG, ReturnType.INTEGER, b(tagKey), b(key), ttl);
            }
            return null;
        }), onDone);
    }

    @Override
    public void delete(List<String> keys) {
        byte[] mark = b(Long.toString(PURGE_MARK_MILLIS));
        call(c -> {
            for (String k : keys) {
                eval(c, Scripts.PURGE, ReturnType.INTEGER, b(k), mark); // one key per call: cluster slots differ
            }
            return null;
        });
    }

    @Override
    public List<String> takeTag(String tagKey) {
        List<String> out = new ArrayList<>();
        Object members = call(c -> eval(c, Scripts.TAKE, ReturnType.MULTI, b(tagKey)));
        if (members instanceof List<?> list) {
            for (Object m : list) {
                out.add(m instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(m));
            }
        }
        return out;
    }

    @Override
    public List<String> scan(String match) {
        ScanOptions options = ScanOptions.scanOptions().match(match).count(1000).build();
        return call(c -> {
            Set<String> keys = new LinkedHashSet<>();
            if (c instanceof RedisClusterConnection cluster) {
                // SCAN does not cross nodes: ask every primary
                for (RedisClusterNode node : cluster.clusterGetNodes()) {
                    if (node.isMaster()) {
                        drain(cluster.scan(node, options), keys);
                    }
                }
            } else {
                drain(c.keyCommands().scan(options), keys);
            }
            return new ArrayList<>(keys);
        });
    }

    private static void drain(Cursor<byte[]> cursor, Set<String> into) {
        try (cursor) {
            while (cursor.hasNext()) {
                into.add(new String(cursor.next(), StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public boolean tryLock(String lockKey, String owner, long ttlMillis) {
        Boolean set = bounded(c -> c.stringCommands().set(b(lockKey), b(owner), Expiration.milliseconds(ttlMillis),
                RedisStringCommands.SetOption.SET_IF_ABSENT));
        return Boolean.TRUE.equals(set);
    }

    @Override
    public void unlock(String lockKey, String owner) {
        // the lock expires by itself when the write is dropped
        TierThreads.writeOrDrop(writes, () -> call(c -> eval(c, Scripts.UNLOCK, ReturnType.INTEGER, b(lockKey), b(owner))));
    }

    /** Bounded: a request that finds its node's heartbeat late sends one itself. */
    @Override
    public void publish(String channel, String message) {
        bounded(c -> c.publish(b(channel), b(message)));
    }

    /**
     * Subscribes on a connection of its own. With Jedis underneath, {@code subscribe} blocks the
     * thread until the connection is lost; with Lettuce it returns, and Lettuce subscribes again by
     * itself after a reconnect. Either way every confirmation after the first means messages may
     * have been missed.
     */
    @Override
    public void subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect) {
        CountDownLatch first = new CountDownLatch(1);
        AtomicInteger confirmations = new AtomicInteger();
        Listener listener = new Listener(onMessage, () -> {
            if (confirmations.getAndIncrement() > 0) {
                onReconnect.run();
            }
            first.countDown();
        });
        subscriber = TierThreads.subscriber(() -> {
            while (!closed) {
                RedisConnection c = null;
                try {
                    c = factory.getConnection();
                    subscription = c;
                    c.subscribe(listener, b(channel)); // returns at once on Lettuce, when lost on Jedis
                    while (!closed && c.isSubscribed()) {
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // lost or refused: try again below
                } finally {
                    if (c != null) {
                        closeQuietly(c);
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        TierThreads.awaitFirst(first, channel);
    }

    private static void closeQuietly(RedisConnection c) {
        try {
            if (c.isSubscribed()) {
                c.getSubscription().close();
            }
        } catch (RuntimeException e) {
            // the connection is gone already
        }
        try {
            c.close();
        } catch (RuntimeException e) {
            // the connection is gone already
        }
    }

    /** Receives messages and subscription confirmations (Spring forwards both on Lettuce and Jedis). */
    private record Listener(Consumer<String> onMessage, Runnable onSubscribed) implements MessageListener, SubscriptionListener {
        @Override
        public void onMessage(Message message, byte[] pattern) {
            onMessage.accept(new String(message.getBody(), StandardCharsets.UTF_8));
        }

        @Override
        public void onChannelSubscribed(byte[] channel, long count) {
            onSubscribed.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscription;
        if (c != null) {
            closeQuietly(c); // unblocks a Jedis subscriber
        }
        Thread t = subscriber;
        if (t != null) {
            t.interrupt();
        }
        reads.shutdownNow();
        TierThreads.stop(writes);
    }
}
