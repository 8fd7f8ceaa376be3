package io.polystore.keyvalue.internal;

import io.lettuce.core.RedisURI;
import io.polystore.IndexMaintenance;
import io.polystore.KeyValueOperations;
import io.polystore.Repository;
import io.polystore.StoreUnavailableException;
import io.polystore.ValueCodec;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.AbstractStore;
import io.polystore.spi.StoreConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Redis store over one client library ({@link RedisOps}: Jedis by default, or Lettuce). Holds the
 * repositories of the entity types routed to it, the key-value capability and index maintenance.
 */
final class RedisStore extends AbstractStore {
    private static final Set<String> OPTIONS = Set.of("client", "key-prefix", "timeout", "connect-timeout", "database",
            "user", "password", "pool-size", "replica-acks", "id-set", "coalesce");

    final String prefix;
    final RedisOps ops;
    /** Replicas that must confirm each write before it is acknowledged (0: the primary's answer suffices). */
    final int replicaAcks;
    final long timeoutMillis;
    /**
     * Whether plain entity types (no indexes, version or expiry; string or UUID ids) keep the set of
     * their ids too: O(1) count and deleteAll, for one more write per save inside a script. Off (the
     * default): they are saved with a bare SET, and count, deleteAll and unfiltered queries SCAN the
     * type's keys. Other types always keep their id set.
     */
    final boolean idSet;

    /** The options read before connecting, so that a bad value is a configuration error and no client is left open. */
    private record Options(int replicaAcks, boolean idSet, long timeoutMillis) {
        static Options of(StoreConfig config) {
            return new Options(config.intOption("replica-acks", 0, 0, 16), config.booleanOption("id-set", false),
                    config.durationOption("timeout", Duration.ofSeconds(2)).toMillis());
        }
    }

    private RedisStore(StoreConfig config, String prefix, RedisOps ops, Options options) {
        super(config.name(), config.redactedUri());
        this.replicaAcks = options.replicaAcks();
        this.idSet = options.idSet();
        this.timeoutMillis = options.timeoutMillis();
        this.prefix = prefix;
        this.ops = ops;
        provide(KeyValueOperations.class, new RedisKeyValue(ops, prefix + ":kv:", ValueCodec.json()));
        provide(io.polystore.spi.Droppable.class, this::drop);
        provide(IndexMaintenance.class, (entity, repair) ->
                ((RedisRepository<?, ?>) repository(EntityModel.of(entity))).verify(repair));
    }

    /**
     * The client when the {@code client} option is absent. Jedis: the repository API is synchronous,
     * and a blocking connection answers on the calling thread, where Lettuce hands every command to
     * its event loop and back (measured in docs/BENCHMARKS.md: Lettuce gives about 0.8 of Jedis at 8
     * threads on two cores). On a single server its commands share one connection and are written
     * together ({@link CoalescingExecutor}, option {@code coalesce}).
     */
    static final Client DEFAULT_CLIENT = Client.JEDIS;

    /** The client libraries the {@code client} option may name. */
    enum Client {
        /** io.lettuce:lettuce-core */
        LETTUCE,
        /** redis.clients:jedis */
        JEDIS
    }

    static RedisStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        Client client = config.enumOption("client", Client.class, DEFAULT_CLIENT);
        String prefix = prefix(config);
        Duration timeout = config.durationOption("timeout", Duration.ofSeconds(2));
        Duration connectTimeout = config.durationOption("connect-timeout", Duration.ofSeconds(2));
        int poolSize = config.intOption("pool-size", 16, 1, 1000);
        Options options = Options.of(config);
        boolean coalesce = config.booleanOption("coalesce", true);
        if (config.option("coalesce").isPresent() && (client != Client.JEDIS || config.scheme().equals("redis-cluster"))) {
            throw config.invalid("coalesce", "applies to client: jedis on a single Redis server (redis:// or rediss://); "
                    + (client != Client.JEDIS ? "Lettuce already shares one connection among threads" : "a cluster client pools connections per node")
                    + ": remove the option");
        }
        if (!coalesce && options.replicaAcks() > 0) {
            throw config.invalid("coalesce", "false cannot go with replica-acks on a single server: WAIT must run on the "
                    + "connection that made the write, and pooled commands may write on one connection and wait on another; "
                    + "remove coalesce: false (the shared connection carries every write and its WAIT)");
        }
        if (config.scheme().equals("redis-cluster")) {
            return openCluster(config, client, prefix, timeout, connectTimeout, poolSize, options);
        }
        RedisURI redisUri;
        try {
            redisUri = RedisURI.create(config.uri());
        } catch (IllegalArgumentException e) {
            throw config.invalidUri("not a Redis URI (" + e.getMessage() + ")");
        }
        if (config.option("database").isPresent()) {
            redisUri.setDatabase(config.intOption("database", 0, 0, 10_000));
        }
        String[] fromUri = userInfo(config.uri());
        String user = config.option("user").orElse(fromUri[0]);
        String password = config.option("password").orElse(fromUri[1]);
        if (config.option("password").isPresent()) {
            redisUri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                    () -> io.lettuce.core.RedisCredentials.just(user, password)));
        }
        Errors errors = new Errors(config.name(), timeout);
        RedisOps ops;
        try {
            ops = client == Client.JEDIS
                    ? JedisOps.connect(redisUri.getHost(), redisUri.getPort(), redisUri.isSsl(), redisUri.getDatabase(), user,
                    password, (int) timeout.toMillis(), (int) connectTimeout.toMillis(), poolSize, coalesce,
                    options.replicaAcks() > 0, errors)
                    : LettuceOps.connect(redisUri, timeout, connectTimeout, errors);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("store '" + config.name() + "' (" + config.redactedUri() + ", "
                    + client.name().toLowerCase(java.util.Locale.ROOT) + ") cannot connect: " + rootMessage(e), e);
        }
        return make(config, prefix, ops, options);
    }

    /** The store on a connected client; the client is closed if the store cannot be made. */
    private static RedisStore make(StoreConfig config, String prefix, RedisOps ops, Options options) {
        try {
            return new RedisStore(config, prefix, ops, options);
        } catch (RuntimeException | Error e) {
            ops.close();
            throw e;
        }
    }

    /**
     * {@code redis-cluster://[user:password@]host:port,host:port[?ssl=true]}: the seed nodes; the
     * client discovers the rest.
     */
    private static RedisStore openCluster(StoreConfig config, Client client, String prefix, Duration timeout,
                                          Duration connectTimeout, int poolSize, Options options) {
        if (config.option("database").isPresent()) {
            throw config.invalid("database", "a Redis Cluster has only database 0");
        }
        String rest = config.uri().substring("redis-cluster://".length());
        String[] userInfo = userInfo("redis://" + rest.split(",")[0].split("/")[0]);
        int at = rest.lastIndexOf('@');
        String hosts = (at >= 0 ? rest.substring(at + 1) : rest).split("[/?]")[0];
        List<RedisURI> seeds = new ArrayList<>();
        for (String hp : hosts.split(",")) {
            int colon = hp.lastIndexOf(':');
            if (hp.isBlank() || colon <= 0) {
                throw config.invalidUri("each cluster seed must be host:port");
            }
            RedisURI seed;
            try {
                seed = RedisURI.create(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw config.invalidUri("'" + hp + "' has no valid port");
            }
            String user = config.option("user").orElse(userInfo[0]);
            String password = config.option("password").orElse(userInfo[1]);
            if (password != null) {
                seed.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                        () -> io.lettuce.core.RedisCredentials.just(user, password)));
            }
            seed.setSsl(config.uri().contains("ssl=true"));
            seeds.add(seed);
        }
        if (client == Client.JEDIS && options.replicaAcks() > 0) {
            // WAIT confirms the writes of its own connection: one per node carries them all
            if (config.option("pool-size").isPresent() && poolSize != 1) {
                throw config.invalid("pool-size", "must be 1 (or absent) with replica-acks on a cluster through Jedis: "
                        + "WAIT confirms only the writes of its own connection, so each node gets one; use client: "
                        + "lettuce for one multiplexed connection per node");
            }
            poolSize = 1;
        }
        RedisOps ops;
        try {
            Errors errors = new Errors(config.name(), timeout);
            if (client == Client.JEDIS) {
                java.util.Set<redis.clients.jedis.HostAndPort> nodes = new java.util.LinkedHashSet<>();
                for (RedisURI seed : seeds) {
                    nodes.add(new redis.clients.jedis.HostAndPort(seed.getHost(), seed.getPort()));
                }
                ops = JedisOps.connectCluster(nodes, config.option("user").orElse(userInfo[0]),
                        config.option("password").orElse(userInfo[1]), (int) timeout.toMillis(), (int) connectTimeout.toMillis(),
                        poolSize, errors);
            } else {
                ops = LettuceOps.connectCluster(seeds, timeout, connectTimeout, errors);
            }
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("store '" + config.name() + "' (" + config.redactedUri()
                    + ", cluster) cannot connect: " + rootMessage(e), e);
        }
        return make(config, prefix, ops, options);
    }

    static String prefix(StoreConfig config) {
        String prefix = config.stringOption("key-prefix", "polystore");
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw config.invalid("key-prefix", "must be non-empty and hold no braces");
        }
        return prefix;
    }

    /**
     * Unlinks keys 1 000 to a command: one UNLINK of a million keys keeps Redis busy for longer than
     * the store's timeout (seen: 2 s) and every other client waits behind it.
     */
    void unlinkInBatches(java.util.List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1_000) {
            ops.unlink(keys.subList(from, Math.min(keys.size(), from + 1_000)));
        }
    }

    /** Removes every key under the prefix: entities and indexes ({prefix:Entity}:...) and key-value entries (prefix:kv:...). */
    private long drop() {
        checkOpen();
        java.util.List<String> keys = new java.util.ArrayList<>(ops.scanKeys(Keys.glob("{" + prefix + ":") + "*"));
        keys.addAll(ops.scanKeys(Keys.glob(prefix + ":") + "*"));
        unlinkInBatches(keys);
        forgetRepositories();
        return keys.size();
    }

    static RedisStore on(StoreConfig config, String prefix, RedisOps ops) {
        return make(config, prefix, ops, Options.of(config));
    }

    /** @return user and password from {@code redis://user:password@host} (either may be null) */
    private static String[] userInfo(String uri) {
        String info;
        try {
            info = java.net.URI.create(uri).getRawUserInfo();
        } catch (IllegalArgumentException e) {
            return new String[2];
        }
        if (info == null) {
            return new String[2];
        }
        int colon = info.indexOf(':');
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        if (colon < 0) {
            return new String[]{null, java.net.URLDecoder.decode(info, utf8)};
        }
        String user = colon == 0 ? null : java.net.URLDecoder.decode(info.substring(0, colon), utf8);
        return new String[]{user, java.net.URLDecoder.decode(info.substring(colon + 1), utf8)};
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        return new RedisRepository<T, ID>(this, model);
    }

    /**
     * With {@code replica-acks}, waits until the write just made on {@code key}'s primary reached that
     * many replicas; otherwise the write is not acknowledged.
     */
    void awaitReplicas(String key) {
        if (replicaAcks > 0) {
            // the server gives up first, so that its answer comes before the socket's timeout would drop
            // the connection (the shared connection, with every other caller's command on it)
            long waitMillis = Math.max(1, timeoutMillis * 3 / 4);
            long confirmed = ops.waitForReplicas(key, replicaAcks, waitMillis);
            if (confirmed < replicaAcks) {
                throw new io.polystore.StoreTimeoutException("store '" + name() + "' (Redis): the write to " + key
                        + " reached " + confirmed + " of " + replicaAcks + " replicas within " + waitMillis
                        + " ms; it may or may not survive a failover");
            }
        }
    }

    @Override
    protected void checkOpen() {
        super.checkOpen();
        if (!ops.isOpen()) { // a client the application owns may have been closed
            throw closedException();
        }
    }

    @Override
    public void ping() {
        checkOpen();
        ops.exists(prefix + "polystore-ping");   // a read by key: on a cluster it goes to one primary like any key
    }

    @Override
    protected void closeResources() {
        ops.close();
    }

    @Override
    public String toString() {
        return "RedisStore[" + name() + ", " + ops.client() + "]";
    }
}
