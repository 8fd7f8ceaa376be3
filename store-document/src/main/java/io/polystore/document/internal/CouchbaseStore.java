package io.polystore.document.internal;

import com.couchbase.client.core.env.PasswordAuthenticator;
import com.couchbase.client.core.env.SaslMechanism;
import com.couchbase.client.core.error.AuthenticationFailureException;
import com.couchbase.client.core.error.BucketNotFoundException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.TimeoutException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ClusterOptions;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.env.ClusterEnvironment;
import com.couchbase.client.java.query.QueryScanConsistency;
import io.polystore.KeyValueOperations;
import io.polystore.Repository;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.ValueCodec;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.AbstractStore;
import io.polystore.spi.StoreConfig;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A Couchbase store: one bucket, each entity type in a collection of its own (or, with
 * {@code layout: default-collection}, in the bucket's default collection under keys prefixed with
 * the entity's name, for servers before 7.0). Documents are written and read by key through the
 * key-value API; queries run as SQL++ with named parameters. Thread-safe.
 */
final class CouchbaseStore extends AbstractStore {
    private static final Set<String> OPTIONS = Set.of("user", "password", "scope", "collection-prefix", "layout", "schema",
            "scan-consistency", "timeout", "connect-timeout", "batch-concurrency", "sasl");
    /** The options of a store on a cluster the application owns: credentials and connecting are the cluster's. */
    private static final Set<String> CLUSTER_OWNED_OPTIONS = Set.of("scope", "collection-prefix", "layout", "schema",
            "scan-consistency", "batch-concurrency");

    /** Where an entity type's documents live. */
    enum Layout {
        /** a collection per entity type, in the configured scope (Couchbase Server 7.0 and later) */
        COLLECTIONS,
        /** the bucket's default collection, keys {@code Entity::id} and a {@code _type} field */
        DEFAULT_COLLECTION
    }

    /** What to do about collections and indexes when a repository is first used. */
    enum SchemaMode {
        /** create missing collections and indexes */
        CREATE,
        /** create nothing (an administrator or a migration tool manages them) */
        NONE
    }

    /** The SASL mechanisms the client may offer. */
    enum Sasl {
        /** SCRAM-SHA512/256/1, the SDK's default over plain connections */
        SCRAM,
        /** PLAIN: the password in clear, for TLS connections, LDAP users, or the test mock */
        PLAIN
    }

    private final Cluster cluster;
    private final boolean ownsCluster;
    final Bucket bucket;
    final String scope;
    final String collectionPrefix;
    final Layout layout;
    final SchemaMode schema;
    final QueryScanConsistency consistency;
    final int batchConcurrency;

    private CouchbaseStore(StoreConfig config, Cluster cluster, boolean ownsCluster, String bucketName) {
        super(config.name(), config.redactedUri());
        this.cluster = cluster;
        this.ownsCluster = ownsCluster;
        this.layout = config.enumOption("layout", Layout.class, Layout.COLLECTIONS);
        this.scope = config.stringOption("scope", "_default");
        this.collectionPrefix = config.stringOption("collection-prefix", "");
        this.schema = config.enumOption("schema", SchemaMode.class, SchemaMode.CREATE);
        this.consistency = config.enumOption("scan-consistency", QueryScanConsistency.class, QueryScanConsistency.REQUEST_PLUS);
        this.batchConcurrency = config.intOption("batch-concurrency", 16, 1, 1024);
        if (!collectionPrefix.matches("[A-Za-z0-9_%-]*")) {
            throw config.invalid("collection-prefix", "may hold only letters, digits, '_', '-' and '%'");
        }
        if (layout == Layout.DEFAULT_COLLECTION && config.option("scope").isPresent()) {
            throw config.invalid("scope", "is not used with layout default-collection; leave it out");
        }
        this.bucket = cluster.bucket(bucketName);
        try {
            bucket.waitUntilReady(config.durationOption("connect-timeout", Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            throw unavailable(config, "the bucket '" + bucketName + "' did not become ready", e);
        }
        provide(KeyValueOperations.class, layout == Layout.DEFAULT_COLLECTION
                ? new CouchbaseKeyValue(this, bucket.defaultCollection(), "kv::", ValueCodec.json())
                : new CouchbaseKeyValue(this, keyValueCollection(), "", ValueCodec.json()));
    }

    /**
     * Opens a store for {@code couchbase://host[,host]/bucket} or {@code couchbases://} (TLS). A host
     * may carry a port and its kind, as in the SDK's connection strings
     * ({@code 127.0.0.1:11210=kv,127.0.0.1:8091=manager}).
     */
    static CouchbaseStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        String uri = config.uri();
        String scheme = config.scheme();
        String rest = uri.substring(scheme.length() + 3);
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw config.invalidUri("no bucket; write " + scheme + "://host/bucket");
        }
        String hosts = rest.substring(0, slash);
        String bucketName = rest.substring(slash + 1);
        int query = bucketName.indexOf('?');
        if (query >= 0) {
            throw config.invalidUri("options go under 'options:' (scope, collection-prefix, ...), not in the URI");
        }
        if (hosts.isEmpty() || hosts.contains("@")) {
            throw config.invalidUri(hosts.isEmpty() ? "no host" : "credentials go in the options user and password, not in the URI");
        }
        String user = config.option("user").orElseThrow(() -> config.invalid("user",
                "is required: Couchbase authenticates every connection (use ${ENV} placeholders to keep it out of the file)"));
        String password = config.option("password").orElseThrow(() -> config.invalid("password", "is required"));
        Sasl sasl = config.enumOption("sasl", Sasl.class, Sasl.SCRAM);
        Duration timeout = config.durationOption("timeout", Duration.ofSeconds(10));
        Duration connectTimeout = config.durationOption("connect-timeout", Duration.ofSeconds(10));
        PasswordAuthenticator.Builder auth = PasswordAuthenticator.builder(user, password);
        if (sasl == Sasl.PLAIN) {
            auth.allowedSaslMechanisms(EnumSet.of(SaslMechanism.PLAIN));
        }
        ClusterEnvironment env = ClusterEnvironment.builder()
                .timeoutConfig(t -> t.kvTimeout(timeout).queryTimeout(timeout).managementTimeout(timeout)
                        .connectTimeout(connectTimeout))
                .build();
        Cluster cluster;
        try {
            cluster = Cluster.connect(scheme + "://" + hosts, ClusterOptions.clusterOptions(auth.build()).environment(env));
        } catch (RuntimeException e) {
            env.shutdown();
            throw unavailable(config, "cannot connect", e);
        }
        try {
            return new CouchbaseStore(config, cluster, true, bucketName);
        } catch (RuntimeException | Error e) {
            cluster.disconnect();
            env.shutdown();
            throw e;
        }
    }

    /**
     * A store on a {@link Cluster} the application owns (and closes); the URI names only the bucket.
     *
     * @param config     the store's configuration (its URI is {@code couchbase://-/bucket})
     * @param cluster    the connected cluster
     * @param bucketName the bucket
     * @return the store
     */
    static CouchbaseStore on(StoreConfig config, Cluster cluster, String bucketName) {
        config.requireKnownOptions(CLUSTER_OWNED_OPTIONS);
        return new CouchbaseStore(config, cluster, false, bucketName);
    }

    private static StoreException unavailable(StoreConfig config, String what, RuntimeException e) {
        String message = "store '" + config.name() + "' (" + config.redactedUri() + "): " + what + ": " + e.getMessage();
        if (e instanceof AuthenticationFailureException) {
            return new StoreUnavailableException(message + " (check the options user and password, and sasl)", e);
        }
        if (e instanceof BucketNotFoundException) {
            return new StoreUnavailableException(message + " (create the bucket, or correct its name in the URI)", e);
        }
        return e instanceof TimeoutException ? new StoreTimeoutException(message, e) : new StoreUnavailableException(message, e);
    }

    /** @return the key-value capability's collection ({@code <prefix>kv}), created with {@code schema: create} */
    private Collection keyValueCollection() {
        String name = collectionPrefix + "kv";
        if (schema == SchemaMode.CREATE) {
            try {
                bucket.collections().createCollection(scope, name);
            } catch (com.couchbase.client.core.error.CollectionExistsException e) {
                // made before
            } catch (CouchbaseException e) {
                throw error("creating the key-value collection " + scope + "." + name, e);
            }
        }
        return bucket.scope(scope).collection(name);
    }

    /** @return the cluster, for queries and management */
    Cluster cluster() {
        return cluster;
    }

    /** @return the collection of an entity type */
    Collection collection(EntityModel<?> model) {
        if (layout == Layout.DEFAULT_COLLECTION) {
            return bucket.defaultCollection();
        }
        return bucket.scope(scope).collection(collectionName(model));
    }

    /** @return the collection name of an entity type: the prefix and the entity's name, as Couchbase allows them */
    String collectionName(EntityModel<?> model) {
        String name = collectionPrefix + model.name().replaceAll("[^A-Za-z0-9_%-]", "_");
        return name.length() > 251 ? name.substring(0, 251) : name;
    }

    /** @return the SQL++ keyspace of an entity type */
    String keyspace(EntityModel<?> model) {
        return keyspace(collectionName(model));
    }

    /** @return the SQL++ keyspace of a collection in the store's scope (the bucket, with layout default-collection) */
    String keyspace(String collection) {
        String b = SqlPlusPlus.quote(bucket.name());
        if (layout == Layout.DEFAULT_COLLECTION) {
            return b;
        }
        return b + "." + SqlPlusPlus.quote(scope) + "." + SqlPlusPlus.quote(collection);
    }

    /**
     * Maps an SDK failure to the store's exception tree, keeping it as the cause.
     *
     * @param what the operation, for the message
     * @param e    the SDK's exception
     * @return the exception to throw
     */
    StoreException error(String what, RuntimeException e) {
        String message = "store '" + name() + "' (Couchbase): " + what + " failed: " + e.getMessage();
        if (e instanceof TimeoutException) {
            return new StoreTimeoutException(message, e);
        }
        if (e instanceof com.couchbase.client.core.error.RequestCanceledException
                || e instanceof com.couchbase.client.core.error.ServiceNotAvailableException
                || e instanceof AuthenticationFailureException || e instanceof BucketNotFoundException) {
            return new StoreUnavailableException(message, e);
        }
        if (e instanceof CouchbaseException && isClosed()) {
            return closedException();
        }
        return new StoreException(message, e);
    }

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        return new CouchbaseRepository<T, ID>(this, model);
    }

    @Override
    public void ping() {
        checkOpen();
        try {
            bucket.defaultCollection().exists("_polystore_ping");
        } catch (CouchbaseException e) {
            throw error("ping", e);
        }
    }

    @Override
    protected void closeResources() {
        if (ownsCluster) {
            cluster.disconnect();
            cluster.environment().shutdown();
        }
    }

    @Override
    public String toString() {
        return "CouchbaseStore[" + name() + ", " + bucket.name() + ", " + layout.name().toLowerCase(Locale.ROOT) + "]";
    }

    /**
     * Runs blocking work on the items, at most {@code batch-concurrency} at a time; results in the
     * items' order. The first failure is thrown as it is.
     */
    <I, R> java.util.List<R> concurrently(java.util.List<I> items, java.util.function.Function<I, R> work) {
        if (items.size() <= 1) {
            java.util.List<R> out = new java.util.ArrayList<>();
            for (I i : items) {
                out.add(work.apply(i));
            }
            return out;
        }
        return reactor.core.publisher.Flux.fromIterable(items)
                .flatMapSequential(i -> reactor.core.publisher.Mono.fromCallable(() -> work.apply(i))
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), batchConcurrency)
                .collectList()
                .block();
    }
}
