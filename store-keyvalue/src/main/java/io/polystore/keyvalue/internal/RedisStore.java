package io.polystore.keyvalue.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.polystore.KeyValueOperations;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.StoreConfig;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * A Redis store on Lettuce: one thread-safe, multiplexed connection (concurrent callers' commands
 * are pipelined on it), scripts loaded once and run with EVALSHA. Commands fail within the
 * configured timeout; while the connection is down they fail at once with
 * {@link StoreUnavailableException} instead of queueing.
 */
final class RedisStore implements Store {
    private static final Set<String> OPTIONS = Set.of("client", "key-prefix", "timeout", "connect-timeout", "database",
            "user", "password");

    private final String name;
    private final String uri;
    final String prefix;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisConnection<String, byte[]> bytesConnection;
    final Duration timeout;
    private final ConcurrentMap<String, String> shas = new ConcurrentHashMap<>();
    private final ConcurrentMap<Class<?>, RedisRepository<?, ?>> repositories = new ConcurrentHashMap<>();
    private final RedisKeyValue keyValue;

    private RedisStore(StoreConfig config, String prefix, RedisClient client, StatefulRedisConnection<String, String> connection,
                       StatefulRedisConnection<String, byte[]> bytesConnection, Duration timeout) {
        this.name = config.name();
        this.uri = config.redactedUri();
        this.prefix = prefix;
        this.client = client;
        this.connection = connection;
        this.bytesConnection = bytesConnection;
        this.timeout = timeout;
        this.keyValue = new RedisKeyValue(this, prefix + ":kv:", io.polystore.ValueCodec.json());
    }

    static RedisStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        String clientName = config.stringOption("client", "lettuce");
        if (!clientName.equals("lettuce")) {
            throw config.invalid("client", clientName.equals("jedis")
                    ? "jedis is not available in this version of store-keyvalue yet; use lettuce"
                    : "must be lettuce");
        }
        String prefix = config.stringOption("key-prefix", "polystore");
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw config.invalid("key-prefix", "must be non-empty and hold no braces");
        }
        Duration timeout = config.durationOption("timeout", Duration.ofSeconds(2));
        Duration connectTimeout = config.durationOption("connect-timeout", Duration.ofSeconds(2));
        RedisURI redisUri;
        try {
            redisUri = RedisURI.create(config.uri());
        } catch (IllegalArgumentException e) {
            throw config.invalidUri("not a Redis URI (" + e.getMessage() + ")");
        }
        config.option("database").ifPresent(d -> redisUri.setDatabase(config.intOption("database", 0, 0, 10_000)));
        config.option("password").ifPresent(p -> redisUri.setCredentialsProvider(
                io.lettuce.core.RedisCredentialsProvider.from(() -> io.lettuce.core.RedisCredentials.just(
                        config.option("user").orElse(null), p))));
        redisUri.setTimeout(timeout);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            StatefulRedisConnection<String, String> connection = client.connect(redisUri);
            connection.setTimeout(timeout);
            StatefulRedisConnection<String, byte[]> bytes = client.connect(
                    io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8, io.lettuce.core.codec.ByteArrayCodec.INSTANCE),
                    redisUri);
            bytes.setTimeout(timeout);
            return new RedisStore(config, prefix, client, connection, bytes, timeout);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new StoreUnavailableException("store '" + config.name() + "' (" + config.redactedUri() + ") cannot connect: "
                    + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return uri;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T, ID> Repository<T, ID> repository(EntityModel<T> model) {
        return (Repository<T, ID>) repositories.computeIfAbsent(model.type(), t -> new RedisRepository<>(this, model));
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.of(KeyValueOperations.class);
    }

    @Override
    public <C> Optional<C> findCapability(Class<C> type) {
        return type == KeyValueOperations.class ? Optional.of(type.cast(keyValue)) : Optional.empty();
    }

    RedisCommands<String, String> sync() {
        return connection.sync();
    }

    RedisCommands<String, byte[]> bytes() {
        return bytesConnection.sync();
    }

    RedisAsyncCommands<String, String> async() {
        return connection.async();
    }

    /** Runs Redis work, turning Lettuce's exceptions into the store's. */
    <R> R call(String what, Supplier<R> work) {
        try {
            return work.get();
        } catch (RedisCommandTimeoutException e) {
            throw new StoreTimeoutException("store '" + name + "' (Redis): " + what + " timed out after " + timeout, e);
        } catch (RedisConnectionException e) {
            throw new StoreUnavailableException("store '" + name + "' (Redis): " + what + ": " + e.getMessage(), e);
        } catch (RedisCommandExecutionException e) {
            throw new StoreException("store '" + name + "' (Redis): " + what + " failed: " + e.getMessage(), e);
        } catch (RedisException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("not connected") || m.contains("Connection closed") || m.contains("disconnected")) {
                throw new StoreUnavailableException("store '" + name + "' (Redis): " + what + ": " + m, e);
            }
            throw new StoreException("store '" + name + "' (Redis): " + what + " failed: " + m, e);
        }
    }

    /** The SHA of a script, loading it on first use. */
    String sha(String script) {
        return shas.computeIfAbsent(script, s -> call("load script", () -> sync().scriptLoad(s)));
    }

    /** Runs a script by SHA, loading it again if the server lost it (restart, SCRIPT FLUSH). */
    <T> T eval(String what, String script, ScriptOutputType type, String[] keys, String... args) {
        return call(what, () -> {
            try {
                return sync().evalsha(sha(script), type, keys, args);
            } catch (RedisNoScriptException e) {
                shas.remove(script);
                return sync().evalsha(sha(script), type, keys, args);
            }
        });
    }

    void checkOpen() {
        if (!connection.isOpen()) {
            throw new StoreUnavailableException("store '" + name + "' (" + uri + ") is closed or disconnected");
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
            bytesConnection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }


    @Override
    public String toString() {
        return "RedisStore[" + name + "]";
    }
}
