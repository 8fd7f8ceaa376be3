package io.polystore.pagecache.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The shared tier on Lettuce: standalone ({@code redis://}, {@code rediss://}) or cluster
 * ({@code redis-cluster://host:port,host:port}). Reads are synchronous with a short command
 * timeout; writes are asynchronous. Commands are rejected at once while disconnected rather than
 * queued, so a Redis that is down costs the request nothing but a failed call.
 */
public final class LettuceTier implements SharedTier {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient cluster;
    private final StatefulConnection<String, byte[]> connection;
    private final Commands commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscription;

    /**
     * @param uri            {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} or
     *                       {@code redis-cluster://host:port,host:port}
     * @param commandTimeout how long one command may take before it fails
     * @param connectTimeout how long connecting may take
     */
    public LettuceTier(String uri, Duration commandTimeout, Duration connectTimeout) {
        // reconnect quickly after Redis returns: the cache is worth little while it is not used
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        try {
            RedisAddress address = RedisAddress.parse(uri);
            if (address.cluster()) {
                List<RedisURI> seeds = new ArrayList<>();
                for (java.net.URI node : address.uris()) {
                    RedisURI seed = RedisURI.create(node);
                    seed.setTimeout(commandTimeout);
                    seeds.add(seed);
                }
                this.client = null;
                this.cluster = RedisClusterClient.create(resources, seeds);
                // node connections open lazily: commands must wait for them (at most the command
                // timeout) rather than be rejected while the first connection to a node is made
                cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                        .build());
                StatefulRedisClusterConnection<String, byte[]> c = cluster.connect(CODEC);
                c.setTimeout(commandTimeout);
                this.connection = c;
                this.commands = Commands.of(c.sync(), c.async());
            } else {
                RedisURI redisUri = RedisURI.create(uri);
                redisUri.setTimeout(commandTimeout);
                this.cluster = null;
                this.client = RedisClient.create(resources, redisUri);
                client.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
                StatefulRedisConnection<String, byte[]> c = client.connect(CODEC);
                c.setTimeout(commandTimeout);
                this.connection = c;
                this.commands = Commands.of(c.sync(), c.async());
            }
        } catch (RuntimeException e) {
            resources.shutdown();
            throw e;
        }
    }

    /** The commands the tier uses, from a standalone or a cluster connection alike. */
    private record Commands(RedisHashCommands<String, byte[]> hash, RedisKeyCommands<String, byte[]> keys,
            RedisStringCommands<String, byte[]> strings, RedisScriptingCommands<String, byte[]> scripts,
            RedisScriptingAsyncCommands<String, byte[]> scriptsAsync, BaseRedisAsyncCommands<String, byte[]> publisher) {

        static <S extends RedisHashCommands<String, byte[]> & RedisKeyCommands<String, byte[]>
                & RedisStringCommands<String, byte[]> & RedisScriptingCommands<String, byte[]>,
                A extends RedisScriptingAsyncCommands<String, byte[]> & BaseRedisAsyncCommands<String, byte[]>>
                Commands of(S sync, A async) {
            return new Commands(sync, sync, sync, sync, async, async);
        }
    }

    /**
     * Checks a URI's syntax without connecting.
     *
     * @throws IllegalArgumentException if it is not a Redis URI this tier accepts
     */
    public static void check(String uri) {
        RedisAddress address = RedisAddress.parse(uri);
        if (!address.cluster()) {
            RedisURI.create(uri);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[][] lookup(String key) {
        List<io.lettuce.core.KeyValue<String, byte[]>> values = commands.hash().hmget(key, "v", NO_VARIANT);
        byte[][] out = new byte[2][];
        for (int i = 0; i < 2 && i < values.size(); i++) {
            out[i] = values.get(i).getValueOrElse(null);
        }
        return out;
    }

    @Override
    public byte[] variant(String key, String variant) {
        return commands.hash().hget(key, variant);
    }

    @Override
    public void store(String key, String vary, String variant, byte[] page, long ttlMillis, List<String> tagKeys,
            Consumer<Throwable> onDone) {
        byte[] ttl = bytes(Long.toString(Math.max(1, ttlMillis)));
        List<java.util.concurrent.CompletableFuture<Long>> all = new ArrayList<>();
        all.add(commands.scriptsAsync().<Long>eval(Scripts.STORE, ScriptOutputType.INTEGER, new String[] {key}, bytes(vary),
                bytes(variant), page, ttl).toCompletableFuture());
        for (String tagKey : tagKeys) {
            all.add(commands.scriptsAsync().<Long>eval(Scripts.TAG, ScriptOutputType.INTEGER, new String[] {tagKey}, bytes(key), ttl)
                    .toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(all.toArray(new java.util.concurrent.CompletableFuture[0]))
                .whenComplete((r, e) -> onDone.accept(e instanceof java.util.concurrent.CompletionException
                        && e.getCause() != null ? e.getCause() : e));
    }

    @Override
    public void delete(List<String> keyList) {
        if (keyList.isEmpty()) {
            return;
        }
        byte[] mark = bytes(Long.toString(PURGE_MARK_MILLIS));
        List<java.util.concurrent.CompletableFuture<Long>> all = new ArrayList<>();
        for (String key : keyList) {
            all.add(commands.scriptsAsync().<Long>eval(Scripts.PURGE, ScriptOutputType.INTEGER, new String[] {key}, mark)
                    .toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(all.toArray(new java.util.concurrent.CompletableFuture[0]))
                .orTimeout(Math.max(1000, 10L * keyList.size()), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public List<String> takeTag(String tagKey) {
        List<byte[]> members = commands.scripts().eval(Scripts.TAKE, ScriptOutputType.MULTI, tagKey);
        List<String> out = new ArrayList<>(members.size());
        for (byte[] m : members) {
            out.add(new String(m, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public List<String> scan(String match) {
        List<String> out = new ArrayList<>();
        ScanIterator<String> it = ScanIterator.scan(commands.keys(), ScanArgs.Builder.matches(match).limit(1000));
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @Override
    public boolean tryLock(String lockKey, String owner, long ttlMillis) {
        return "OK".equals(commands.strings().set(lockKey, bytes(owner), SetArgs.Builder.nx().px(ttlMillis)));
    }

    @Override
    public void unlock(String lockKey, String owner) {
        commands.scriptsAsync().<Long>eval(Scripts.UNLOCK, ScriptOutputType.INTEGER, new String[] {lockKey}, bytes(owner));
    }

    @Override
    public void publish(String channel, String message) {
        commands.publisher().publish(channel, bytes(message));
    }

    @Override
    public void subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect) {
        StatefulRedisPubSubConnection<String, byte[]> c = cluster != null ? cluster.connectPubSub(CODEC)
                : client.connectPubSub(CODEC);
        AtomicBoolean first = new AtomicBoolean(true);
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, byte[] message) {
                onMessage.accept(new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void subscribed(String ch, long count) {
                // Lettuce subscribes again after a reconnect: whatever was published meanwhile was missed
                if (!first.compareAndSet(true, false)) {
                    onReconnect.run();
                }
            }
        });
        RedisPubSubAsyncCommands<String, byte[]> async = c.async();
        async.subscribe(channel).toCompletableFuture().join();
        this.subscription = c;
    }

    @Override
    public void close() {
        try {
            StatefulRedisPubSubConnection<String, byte[]> s = subscription;
            if (s != null) {
                s.close();
            }
            connection.close();
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } else {
                cluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
