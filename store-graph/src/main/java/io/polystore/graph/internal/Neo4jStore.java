package io.polystore.graph.internal;

import io.polystore.ConfigurationException;
import io.polystore.EntityRef;
import io.polystore.GraphOperations;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.Transactional;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Criteria.Direction;
import io.polystore.spi.AbstractStore;
import io.polystore.spi.StoreConfig;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.SimpleQueryRunner;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Neo4j store over Bolt ({@code neo4j-java-driver}); {@code neo4j-embedded:} URIs start an
 * embedded Neo4j in this JVM and talk Bolt to it, so both take the same path.
 *
 * <p>Each entity is a node labelled with the entity's stored name (after the optional
 * {@code label-prefix}); its document is kept whole as JSON in {@code _doc}, with {@code _id},
 * {@code _v} (version) and {@code _exp} (expiry, epoch ms) beside it, and its {@code @Indexed}
 * top-level fields copied to properties of their own, with a Neo4j index each, for Cypher to narrow
 * queries by. Relationships ({@link GraphOperations}) join nodes that may carry no document: the
 * entity can live in another store.
 *
 * <p>Work runs in a managed transaction of a fresh session (the driver retries it on transient
 * errors), or in the caller's transaction inside {@link #inTransaction}.
 */
final class Neo4jStore extends AbstractStore implements Transactional, GraphOperations {
    /** how long opening a repository waits for its indexes to come online */
    static final java.time.Duration INDEX_WAIT = java.time.Duration.ofSeconds(60);
    /** the status of a {@code db.awaitIndexes} that ran out of time ("Index on ... did not come online within ...") */
    private static final String INDEX_WAIT_TIMED_OUT = "Neo.ClientError.Procedure.ProcedureTimedOut";
    private static final Set<String> OPTIONS = Set.of("user", "password", "database", "label-prefix", "timeout",
            "connect-timeout", "pool-size");

    final String labelPrefix;
    private final String database;
    private final Driver driver;
    private final AutoCloseable embedded;
    private final Duration timeout;
    private final TransactionConfig txConfig;
    private final ThreadLocal<Transaction> current = new ThreadLocal<>();
    private final Set<String> labelsWithConstraint = ConcurrentHashMap.newKeySet();

    private Neo4jStore(StoreConfig config, String boltUri, AuthToken auth, AutoCloseable embedded) {
        super(config.name(), config.redactedUri());
        provide(Transactional.class, this);
        provide(GraphOperations.class, this);
        provide(io.polystore.spi.Droppable.class, this::drop);
        this.labelPrefix = config.stringOption("label-prefix", "");
        this.database = config.option("database").orElse(null);
        this.timeout = config.durationOption("timeout", Duration.ofSeconds(10));
        this.txConfig = TransactionConfig.builder().withTimeout(timeout).build();
        this.embedded = embedded;
        Config driverConfig = Config.builder()
                .withConnectionTimeout(config.durationOption("connect-timeout", Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS)
                .withConnectionAcquisitionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .withMaxConnectionPoolSize(config.intOption("pool-size", 100, 1, 10_000))
                .withMaxTransactionRetryTime(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .withLogging(Logging.none())
                .build();
        this.driver = GraphDatabase.driver(boltUri, auth, driverConfig);
    }

    /** Opens a store for a {@code neo4j://}, {@code bolt://} (and {@code +s}, {@code +ssc}) or {@code neo4j-embedded:} URI. */
    static Neo4jStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        String scheme = config.scheme();
        Neo4jStore store;
        if (scheme.equals("neo4j-embedded")) {
            if (config.option("user").isPresent() || config.option("password").isPresent()) {
                throw config.invalid("user", "an embedded Neo4j asks for no credentials; leave user and password out");
            }
            String path = config.uri().substring("neo4j-embedded:".length());
            AutoCloseable db = Embedded.start(config, path);
            try {
                store = new Neo4jStore(config, Embedded.boltUri(db), AuthTokens.none(), db);
            } catch (RuntimeException e) {
                closeQuietly(db);
                throw e;
            }
        } else {
            URI parsed;
            try {
                parsed = new URI(config.uri());
            } catch (URISyntaxException e) {
                throw config.invalidUri("not a valid URI: " + e.getReason());
            }
            if (parsed.getHost() == null) {
                throw config.invalidUri("no host; write " + scheme + "://host:7687");
            }
            String user = config.option("user").orElse(null);
            String password = config.option("password").orElse(null);
            String info = parsed.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                user = user != null ? user : decode(colon < 0 ? info : info.substring(0, colon));
                password = password != null ? password : colon < 0 ? null : decode(info.substring(colon + 1));
            }
            if (parsed.getRawPath() != null && !parsed.getRawPath().isEmpty() && !parsed.getRawPath().equals("/")) {
                throw config.invalidUri("a path is not used; name the database with the 'database' option");
            }
            String bolt = scheme + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
                    + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
            AuthToken auth = user == null ? AuthTokens.none() : AuthTokens.basic(user, password == null ? "" : password);
            store = new Neo4jStore(config, bolt, auth, null);
        }
        try {
            store.read("connect", q -> q.run("RETURN 1").consume());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failed open
        }
    }

    /** Starts embedded Neo4j; separate so that this class loads without org.neo4j:neo4j on the class path. */
    private static final class Embedded {
        static AutoCloseable start(StoreConfig config, String path) {
            try {
                return path.isBlank() ? io.polystore.graph.EmbeddedNeo4j.startTemporary()
                        : io.polystore.graph.EmbeddedNeo4j.start(java.nio.file.Path.of(path));
            } catch (NoClassDefFoundError e) {
                throw new ConfigurationException(config.source() + ": store '" + config.name() + "': neo4j-embedded: needs "
                        + "org.neo4j:neo4j on the class path (an optional dependency of store-graph); add it, or point the "
                        + "store at a Neo4j server with neo4j://host:7687", e);
            } catch (RuntimeException e) {
                throw config.invalidUri("embedded Neo4j did not start in '" + path + "': " + e.getMessage());
            }
        }

        static String boltUri(AutoCloseable db) {
            return ((io.polystore.graph.EmbeddedNeo4j) db).boltUri();
        }
    }

    // ---- running work ---------------------------------------------------------------------------

    private Session session() {
        checkOpen();
        return driver.session(database == null ? SessionConfig.defaultConfig() : SessionConfig.forDatabase(database));
    }

    /** Runs read work in the caller's transaction, or in a managed read transaction. */
    <R> R read(String what, Function<SimpleQueryRunner, R> work) {
        Transaction tx = current.get();
        try {
            if (tx != null) {
                return work.apply(tx);
            }
            try (Session s = session()) {
                return s.executeRead(work::apply, txConfig);
            }
        } catch (Neo4jException e) {
            throw translate(what, e);
        }
    }

    /** Runs write work in the caller's transaction, or in a managed write transaction (retried on transient errors). */
    <R> R write(String what, Function<SimpleQueryRunner, R> work) {
        Transaction tx = current.get();
        try {
            if (tx != null) {
                return work.apply(tx);
            }
            try (Session s = session()) {
                return s.executeWrite(work::apply, txConfig);
            }
        } catch (Neo4jException e) {
            throw translate(what, e);
        }
    }

    /** Runs schema work in its own auto-commit transaction (Neo4j does not mix schema and data in one). */
    void schema(String what, String cypher) {
        try (Session s = session()) {
            s.run(cypher).consume();
        } catch (Neo4jException e) {
            throw translate(what, e);
        }
    }

    /**
     * Waits until new indexes are online, so that the repository's first queries are planned with
     * them (Cypher caches a plan made while an index still populates, a label scan, for a while).
     * A population that outlasts {@link #INDEX_WAIT} goes on in the background: queries stay
     * correct meanwhile, only slower.
     */
    void awaitIndexes() {
        try (Session s = session()) {
            s.run("CALL db.awaitIndexes(" + INDEX_WAIT.toSeconds() + ")").consume();
        } catch (Neo4jException e) {
            if (!INDEX_WAIT_TIMED_OUT.equals(e.code())) {
                throw translate("waiting for indexes", e);
            }
        }
    }

    /** @return whether the calling thread is inside {@link #inTransaction} */
    boolean inTransaction() {
        return current.get() != null;
    }

    StoreException translate(String what, Neo4jException e) {
        String prefix = "store '" + name() + "' (Neo4j): " + what;
        if (e instanceof ServiceUnavailableException || e instanceof SessionExpiredException) {
            return new StoreUnavailableException(prefix + ": " + e.getMessage(), e);
        }
        String code = e.code() == null ? "" : e.code();
        if (code.startsWith("Neo.ClientError.Transaction.TransactionTimedOut") || code.contains("TransactionTimedOut")) {
            return new StoreTimeoutException(prefix + " did not finish within " + timeout, e);
        }
        if (e instanceof AuthenticationException) {
            return new ConfigurationException(prefix + ": the server refused the credentials (user/password): " + e.getMessage(), e);
        }
        if (e instanceof TransientException) {
            return new TransientStoreException(prefix + " failed, and may succeed if retried: " + e.getMessage(), e);
        }
        if (e instanceof ClientException) {
            return new StoreException(prefix + " was refused: " + e.getMessage(), e);
        }
        return new StoreException(prefix + " failed: " + e.getMessage(), e);
    }

    /** A transient failure (deadlock, leader switch) that the driver's retries did not get past. */
    static final class TransientStoreException extends StoreException implements io.polystore.RetryableException {
        TransientStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---- Store ----------------------------------------------------------------------------------

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        return new Neo4jRepository<T, ID>(this, model);
    }

    @Override
    public void ping() {
        checkOpen();
        read("ping", q -> q.run("RETURN 1").consume());
    }

    @Override
    protected void closeResources() {
        driver.close();
        if (embedded != null) {
            closeQuietly(embedded);
        }
    }

    @Override
    public String toString() {
        return "Neo4jStore[" + name() + ", " + describe() + "]";
    }

    // ---- labels and schema ----------------------------------------------------------------------

    /** @return the label of an entity's nodes */
    String label(String entity) {
        return labelPrefix + entity;
    }

    /** Makes sure nodes of a label have a unique {@code _id} (which also indexes it); once per label. */
    void ensureConstraint(String label) {
        if (labelsWithConstraint.contains(label)) {
            return;
        }
        schema("creating the _id constraint of " + label, "CREATE CONSTRAINT " + Cypher.quote(Cypher.schemaName("id", label))
                + " IF NOT EXISTS FOR (n:" + Cypher.quote(label) + ") REQUIRE n._id IS UNIQUE");
        labelsWithConstraint.add(label);
    }

    /**
     * Deletes every node with a label under the prefix (and its relationships), 10 000 per
     * transaction, then the constraints and indexes of those labels.
     */
    private long drop() {
        if (labelPrefix.isEmpty()) {
            throw new io.polystore.ConfigurationException("store '" + name() + "' has no label-prefix: dropping its namespace"
                    + " would delete every node of the database; nothing was dropped");
        }
        Map<String, Object> p = Map.of("p", labelPrefix);
        long deleted = 0;
        long batch;
        do {
            batch = write("dropping the nodes of " + labelPrefix + "*", q -> q.run("MATCH (n) WHERE any(l IN labels(n) WHERE"
                    + " l STARTS WITH $p) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", p).single().get("c").asLong());
            deleted += batch;
        } while (batch > 0);
        for (String kind : List.of("CONSTRAINT", "INDEX")) {
            List<String> names = read("listing the " + kind.toLowerCase(java.util.Locale.ROOT) + "s of " + labelPrefix + "*",
                    q -> q.run("SHOW " + (kind.equals("INDEX") ? "INDEXES" : "CONSTRAINTS") + " YIELD name, labelsOrTypes"
                            + (kind.equals("INDEX") ? ", owningConstraint WHERE owningConstraint IS NULL AND" : " WHERE")
                            + " any(l IN coalesce(labelsOrTypes, []) WHERE l STARTS WITH $p) RETURN name", p)
                            .list(r -> r.get("name").asString()));
            for (String n : names) {
                schema("dropping " + n, "DROP " + kind + " " + Cypher.quote(n) + " IF EXISTS");
            }
        }
        labelsWithConstraint.clear();
        forgetRepositories();
        return deleted;
    }

    // ---- Transactional --------------------------------------------------------------------------

    @Override
    public <R> R inTransaction(Supplier<R> work) {
        if (current.get() != null) {
            return work.get();
        }
        try (Session s = session()) {
            Transaction tx;
            try {
                tx = s.beginTransaction(txConfig);
            } catch (Neo4jException e) {
                throw translate("beginning a transaction", e);
            }
            current.set(tx);
            R result;
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                current.remove();
                try {
                    tx.rollback();
                } catch (Neo4jException suppressed) {
                    e.addSuppressed(suppressed);
                }
                tx.close();
                throw e;
            }
            current.remove();
            try {
                tx.commit();
            } catch (Neo4jException e) {
                throw translate("committing a transaction", e);
            } finally {
                tx.close();
            }
            return result;
        }
    }

    // ---- GraphOperations ------------------------------------------------------------------------

    private static String arrow(String type, Direction direction, String length) {
        String rel = "[:" + Cypher.quote(Cypher.check(type, "relationship type")) + length + "]";
        return switch (direction) {
            case OUTGOING -> "-" + rel + "->";
            case INCOMING -> "<-" + rel + "-";
            case BOTH -> "-" + rel + "-";
        };
    }

    private String node(String var, EntityRef ref, String param) {
        return "(" + var + ":" + Cypher.quote(label(ref.entity())) + " {_id: $" + param + "})";
    }

    private void checkRefs(EntityRef from, String type, EntityRef to) {
        java.util.Objects.requireNonNull(from, "from");
        java.util.Objects.requireNonNull(to, "to");
        Cypher.check(type, "relationship type");
        if (!inTransaction()) { // schema work would wait for the caller's own transaction
            ensureConstraint(label(from.entity()));
            ensureConstraint(label(to.entity()));
        }
    }

    /** Relationships per statement in {@link #relateAll}. */
    private static final int RELATE_BATCH = 1_000;

    @Override
    public void relate(EntityRef from, String type, EntityRef to) {
        checkRefs(from, type, to);
        String cypher = "MERGE " + node("a", from, "a") + " MERGE " + node("b", to, "b")
                + " MERGE (a)" + arrow(type, Direction.OUTGOING, "") + "(b)";
        write("relate", q -> q.run(cypher, Map.of("a", from.id(), "b", to.id())).consume());
    }

    @Override
    public void relateAll(java.util.Collection<Relationship> relationships) {
        // one statement per (start label, type, end label): labels and types cannot be parameters
        Map<List<String>, List<Map<String, Object>>> groups = new java.util.LinkedHashMap<>();
        for (Relationship r : relationships) {
            checkRefs(r.from(), r.type(), r.to());
            groups.computeIfAbsent(List.of(r.from().entity(), r.type(), r.to().entity()), k -> new ArrayList<>())
                    .add(Map.of("a", r.from().id(), "b", r.to().id()));
        }
        for (Map.Entry<List<String>, List<Map<String, Object>>> g : groups.entrySet()) {
            String cypher = "UNWIND $rows AS row"
                    + " MERGE (a:" + Cypher.quote(label(g.getKey().get(0))) + " {_id: row.a})"
                    + " MERGE (b:" + Cypher.quote(label(g.getKey().get(2))) + " {_id: row.b})"
                    + " MERGE (a)" + arrow(g.getKey().get(1), Direction.OUTGOING, "") + "(b)";
            List<Map<String, Object>> rows = g.getValue();
            for (int i = 0; i < rows.size(); i += RELATE_BATCH) {
                List<Map<String, Object>> batch = rows.subList(i, Math.min(rows.size(), i + RELATE_BATCH));
                write("relateAll", q -> q.run(cypher, Map.of("rows", batch)).consume());
            }
        }
    }

    @Override
    public boolean unrelate(EntityRef from, String type, EntityRef to) {
        checkRefs(from, type, to);
        String cypher = "MATCH " + node("a", from, "a") + "-[r:" + Cypher.quote(type) + "]->" + node("b", to, "b")
                + " DELETE r WITH a, b, count(r) AS removed"
                // nodes that held only this relationship and no entity go too
                + " FOREACH (x IN [n IN [a, b] WHERE n._doc IS NULL AND NOT EXISTS { (n)--() }] | DELETE x)"
                + " RETURN removed";
        return write("unrelate", q -> {
            List<Record> rows = q.run(cypher, Map.of("a", from.id(), "b", to.id())).list();
            return !rows.isEmpty() && rows.get(0).get("removed").asLong() > 0;
        });
    }

    @Override
    public List<EntityRef> neighbours(EntityRef start, String type, Direction direction, int depth) {
        java.util.Objects.requireNonNull(start, "start");
        java.util.Objects.requireNonNull(direction, "direction");
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, but was " + depth);
        }
        String cypher = "MATCH " + node("s", start, "s") + " MATCH p = (s)" + arrow(type, direction, "*1.." + depth) + "(m)"
                + " WHERE m <> s WITH m, min(length(p)) AS d ORDER BY d RETURN labels(m) AS labels, m._id AS id";
        return read("neighbours", q -> refs(q.run(cypher, Map.of("s", start.id())).list()));
    }

    private List<EntityRef> refs(List<Record> rows) {
        List<EntityRef> out = new ArrayList<>(rows.size());
        for (Record r : rows) {
            out.add(ref(r.get("labels"), r.get("id").asString()));
        }
        return out;
    }

    private EntityRef ref(Value labels, String id) {
        for (Value l : labels.values()) {
            String label = l.asString();
            if (label.startsWith(labelPrefix)) {
                return new EntityRef(label.substring(labelPrefix.length()), id);
            }
        }
        throw new StoreException("store '" + name() + "' (Neo4j): a node " + id + " has no label with the prefix '"
                + labelPrefix + "': " + labels);
    }

    @Override
    public Optional<List<EntityRef>> shortestPath(EntityRef from, EntityRef to, String type, Direction direction, int maxDepth) {
        java.util.Objects.requireNonNull(from, "from");
        java.util.Objects.requireNonNull(to, "to");
        java.util.Objects.requireNonNull(direction, "direction");
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, but was " + maxDepth);
        }
        if (from.equals(to)) {
            return Optional.of(List.of(from));
        }
        String cypher = "MATCH " + node("a", from, "a") + ", " + node("b", to, "b")
                + " MATCH p = shortestPath((a)" + arrow(type, direction, "*.." + maxDepth) + "(b))"
                + " UNWIND nodes(p) AS n RETURN labels(n) AS labels, n._id AS id";
        return read("shortestPath", q -> {
            List<EntityRef> path = refs(q.run(cypher, Map.of("a", from.id(), "b", to.id())).list());
            return path.isEmpty() ? Optional.<List<EntityRef>>empty() : Optional.of(List.copyOf(path));
        });
    }
}
