package io.polystore.relational.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.polystore.ConfigurationException;
import io.polystore.Repository;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.Transactional;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.AbstractStore;
import io.polystore.spi.StoreConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A relational store: a HikariCP pool, a {@link Dialect}, and the repositories of the entity types
 * routed to it.
 *
 * <p>Transactions bind a connection to the calling thread; repositories of this store used on that
 * thread run on it, and nested calls join. SQLite allows one writer at a time: every write and every
 * transaction holds one lock per store, so writers queue in the JVM instead of failing with
 * {@code SQLITE_BUSY}; readers run concurrently thanks to WAL mode. Outside a transaction the lock
 * is held only while a statement runs ({@link #executeUpdate}, {@link #executeBatch}): connections
 * are borrowed and statements prepared and bound before it is taken. A transaction borrows its
 * connection first and then holds the lock to its end, so that whoever holds the lock has its
 * connection and never waits for the pool while writers wait for it.
 */
final class RelationalStore extends AbstractStore implements Transactional {
    /** What to do with tables at startup. */
    enum SchemaMode {
        /** create missing tables, columns and indexes */
        CREATE,
        /** check that tables and columns exist; fail naming what is missing */
        VALIDATE,
        /** leave the schema alone (Flyway, Liquibase) */
        NONE
    }

    /** How entities map to a table. */
    enum Layout {
        /** a column per top-level field */
        COLUMNS,
        /** id, version and expiry columns, and the rest as one JSON document (jsonb on PostgreSQL) */
        DOCUMENT
    }

    private static final Set<String> OPTIONS = Set.of("schema", "pool-size", "connection-timeout", "table-prefix",
            "user", "password", "busy-timeout", "layout");

    private final HikariDataSource pool;
    final Dialect dialect;
    final SchemaMode schema;
    final String tablePrefix;
    final Layout layout;
    private final ReentrantLock writeLock;
    private final SqliteCheckpointer checkpointer;
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();
    /** Schema work to redo if the thread's transaction rolls back (SQLite DDL made inside it). */
    private final ThreadLocal<List<Runnable>> redoAfterRollback = new ThreadLocal<>();

    private RelationalStore(StoreConfig config, HikariDataSource pool, Dialect dialect, SchemaMode schema, String prefix,
            Layout layout) throws SQLException {
        super(config.name(), config.redactedUri());
        provide(Transactional.class, this);
        provide(io.polystore.spi.Droppable.class, this::drop);
        this.layout = layout;
        this.pool = pool;
        this.dialect = dialect;
        this.schema = schema;
        this.tablePrefix = prefix;
        this.writeLock = dialect instanceof SqliteDialect ? new ReentrantLock() : null;
        this.checkpointer = dialect instanceof SqliteDialect ? new SqliteCheckpointer(pool.getDataSource(), config.name()) : null;
    }

    static RelationalStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        String scheme = config.scheme();
        boolean sqlite = scheme.equals("jdbc:sqlite");
        SchemaMode schema = config.enumOption("schema", SchemaMode.class, sqlite ? SchemaMode.CREATE : SchemaMode.VALIDATE);
        int poolSize = config.intOption("pool-size", sqlite ? 4 : 10, 1, 1000);
        Duration timeout = config.durationOption("connection-timeout", Duration.ofSeconds(5));
        if (timeout.toMillis() < 250) {
            throw config.invalid("connection-timeout", "must be at least 250ms");
        }
        String prefix = config.stringOption("table-prefix", "");
        Layout layout = config.enumOption("layout", Layout.class, Layout.COLUMNS);
        if (!prefix.matches("[a-z0-9_]*")) {
            throw config.invalid("table-prefix", "may hold only lower-case letters, digits and '_'");
        }
        String url = config.uri();
        if (scheme.equals("jdbc:mysql")) {
            url = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length()); // MariaDB Connector/J speaks to MySQL too
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("polystore-" + config.name());
        if (!sqlite) {
            hc.setJdbcUrl(url);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setConnectionTimeout(timeout.toMillis());
        hc.setValidationTimeout(Math.min(timeout.toMillis(), 5000));
        config.option("user").ifPresent(hc::setUsername);
        config.option("password").ifPresent(hc::setPassword);
        if (sqlite) {
            prepareSqlite(config, url, hc);
        } else if (scheme.equals("jdbc:postgresql")) {
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        } else if (scheme.equals("jdbc:mysql") || scheme.equals("jdbc:mariadb")) {
            // MySQL/MariaDB sort text by its first max_sort_length bytes (1 024 by default): raise it
            // so that ORDER BY is by the whole value for texts up to 16 384 characters (see MysqlDialect.orderKey)
            hc.setConnectionInitSql("SET SESSION max_sort_length = 65536");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreUnavailableException("store '" + config.name() + "' (" + config.redactedUri()
                    + ") cannot connect: " + cause.getMessage(), cause);
        } catch (RuntimeException e) {
            throw new ConfigurationException(config.source() + ": stores." + config.name() + ".uri: cannot open '"
                    + config.redactedUri() + "': " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            String product = md.getDatabaseProductName().toLowerCase(Locale.ROOT);
            String version = md.getDatabaseProductVersion().toLowerCase(Locale.ROOT);
            Dialect dialect;
            if (product.contains("sqlite")) {
                dialect = new SqliteDialect();
            } else if (product.contains("postgres")) {
                dialect = new PostgresDialect();
            } else if (product.contains("mariadb") || version.contains("mariadb")) {
                dialect = new MysqlDialect(true);
            } else if (product.contains("mysql")) {
                dialect = new MysqlDialect(false);
            } else {
                pool.close();
                throw config.invalidUri("unsupported database '" + md.getDatabaseProductName() + "'");
            }
            return new RelationalStore(config, pool, dialect, schema, prefix, layout);
        } catch (SQLException e) {
            pool.close();
            throw new StoreUnavailableException("store '" + config.name() + "' (" + config.redactedUri()
                    + ") cannot connect: " + e.getMessage(), e);
        }
    }

    private static void prepareSqlite(StoreConfig config, String url, HikariConfig hc) {
        String file = url.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        if (q >= 0) {
            file = file.substring(0, q);
        }
        if (file.startsWith("file:")) {
            file = file.substring("file:".length());
        }
        if (file.isEmpty() || file.contains(":memory:") || file.contains("mode=memory")) {
            throw config.invalidUri("an in-memory SQLite database would be lost between pooled connections; "
                    + "give a file (jdbc:sqlite:./data/app.db) or use mem:");
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw config.invalidUri("cannot create the directory " + parent + ": " + e.getMessage());
            }
        }
        Duration busy = config.durationOption("busy-timeout", Duration.ofSeconds(30));
        java.util.Properties pragmas = new java.util.Properties();
        pragmas.setProperty("journal_mode", "WAL");
        pragmas.setProperty("synchronous", "NORMAL");
        pragmas.setProperty("busy_timeout", Long.toString(busy.toMillis()));
        pragmas.setProperty("transaction_mode", "IMMEDIATE");
        pragmas.setProperty("wal_autocheckpoint", Integer.toString(SqliteCheckpointer.BACKSTOP_PAGES));
        hc.setDataSource(new SqliteDataSource(url, pragmas));
    }

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        TableMapping mapping = new TableMapping(model, tablePrefix, layout == Layout.DOCUMENT ? dialect::supportsNested : null);
        Schema.prepare(this, mapping);
        return new JdbcRepository<T, ID>(this, model, mapping);
    }

    // ---- connections and transactions ----------------------------------------------------------

    @Override
    public <R> R inTransaction(Supplier<R> work) {
        checkOpen();
        if (transaction.get() != null) {
            return work.get();
        }
        List<Runnable> redo = new java.util.ArrayList<>();
        Throwable failed = null;
        Connection c = borrow();
        try {
            lockWrites();
            try {
                c.setAutoCommit(false);
                redoAfterRollback.set(redo);
                transaction.set(c);
                R result;
                try {
                    result = work.get();
                } catch (RuntimeException | Error e) {
                    failed = e;
                    rollback(c, e);
                    throw e;
                }
                c.commit();
                return result;
            } catch (SQLException e) {
                rollback(c, e);
                StoreException failure = translate("commit", e);
                failed = failure;
                throw failure;
            } finally {
                transaction.remove();
                redoAfterRollback.remove();
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the pool validates and evicts a broken connection
                }
                unlockWrites();
            }
        } finally {
            close(c);
            if (failed != null) {
                redoSchema(redo, failed);
            }
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Runs schema work (DDL, or reading the catalog) on a connection of its own, never on the
     * caller's transaction: a rollback must not remove a table that a cached repository relies on
     * (PostgreSQL, SQLite), and MariaDB's implicit commit after DDL must not end the caller's
     * transaction. SQLite is the exception: its one writer is the caller's transaction, so there
     * the work runs inside that transaction and is done again, outside it, if it rolls back.
     */
    void schemaWork(String what, Sql<Void> work) {
        checkOpen();
        Connection tx = transaction.get();
        if (tx != null && writeLock != null) {
            try {
                work.run(tx);
            } catch (SQLException e) {
                throw translate(what, e);
            }
            redoAfterRollback.get().add(() -> schemaWork(what, work));
            return;
        }
        Connection c = borrow();
        try {
            lockWrites();
            try {
                work.run(c);
            } finally {
                unlockWrites();
            }
        } catch (SQLException e) {
            throw translate(what, e);
        } finally {
            close(c);
        }
    }

    /**
     * Called after a rollback, once the transaction's connection is back in the pool: redoes the
     * schema work the rollback undid, on connections of its own.
     */
    private static void redoSchema(List<Runnable> redo, Throwable failure) {
        try {
            for (Runnable r : redo) {
                r.run();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Drops every table whose name starts with the table prefix (their indexes and sequences go
     * with them), then forgets the repositories so that the next ones create their tables again.
     */
    private long drop() {
        if (tablePrefix.isEmpty()) {
            throw new ConfigurationException("store '" + name() + "' has no table-prefix: dropping its namespace would drop"
                    + " every table of the database; nothing was dropped");
        }
        long[] dropped = {0};
        schemaWork("drop tables " + tablePrefix + "*", c -> {
            for (String table : Schema.tablesStartingWith(c, tablePrefix)) {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + dialect.quote(table));
                }
                dropped[0]++;
            }
            return null;
        });
        forgetRepositories();
        return dropped[0];
    }

    /** Runs read work on the thread's transaction connection or a pooled one. */
    <R> R read(String what, Sql<R> work) {
        return run(what, work);
    }

    /**
     * Runs write work on the thread's transaction connection or a pooled one. The work runs its
     * statements through {@link #executeUpdate} and {@link #executeBatch}, which on SQLite hold the
     * writer lock while they run.
     */
    <R> R write(String what, Sql<R> work) {
        return run(what, work);
    }

    private <R> R run(String what, Sql<R> work) {
        checkOpen();
        Connection tx = transaction.get();
        if (tx != null) {
            try {
                return work.run(tx);
            } catch (SQLException e) {
                throw translate(what, e);
            }
        }
        Connection c = borrow();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(what, e);
        } finally {
            close(c);
        }
    }

    /** Runs a prepared, bound write statement; on SQLite, one at a time per store. */
    int executeUpdate(PreparedStatement ps) throws SQLException {
        return exclusive(ps, PreparedStatement::executeUpdate);
    }

    /** Runs a prepared batch of write statements; on SQLite, one batch at a time per store. */
    int[] executeBatch(PreparedStatement ps) throws SQLException {
        return exclusive(ps, PreparedStatement::executeBatch);
    }

    /** How a prepared statement is run. */
    private interface Execution<R> {
        R run(PreparedStatement ps) throws SQLException;
    }

    /** Runs a write statement holding the writer lock (SQLite), then counts it for the checkpointer. */
    private <R> R exclusive(PreparedStatement ps, Execution<R> execution) throws SQLException {
        lockWrites();
        try {
            return execution.run(ps);
        } finally {
            unlockWrites();
            if (checkpointer != null) {
                checkpointer.wrote();
            }
        }
    }

    private void lockWrites() {
        if (writeLock != null) {
            writeLock.lock();
        }
    }

    private void unlockWrites() {
        if (writeLock != null) {
            writeLock.unlock();
        }
    }

    private Connection borrow() {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw translate("get a connection", e);
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // returned to the pool regardless
        }
    }

    boolean inTransaction() {
        return transaction.get() != null;
    }

    StoreException translate(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = "store '" + name() + "' (" + dialect.name() + "): " + what + " failed: " + e.getMessage() + hint(e, state);
        if (e instanceof SQLTimeoutException || state.equals("57014") || (dialect instanceof SqliteDialect && e.getErrorCode() == 5)) {
            return new StoreTimeoutException(message, e);
        }
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || state.startsWith("08") || state.equals("57P01")) {
            return new StoreUnavailableException(message, e);
        }
        return new StoreException(message, e);
    }

    /** @return advice for errors a user causes by the shape of their data, or "" */
    private String hint(SQLException e, String state) {
        String m = String.valueOf(e.getMessage());
        if (dialect instanceof PostgresDialect && state.equals("54000") && m.contains("index row")) {
            return " (an @Indexed text value must fit in a B-tree index entry, about 2 700 bytes after compression;"
                    + " drop @Indexed from fields that hold long text)";
        }
        if (dialect instanceof MysqlDialect && e.getErrorCode() == 1406) {
            return " (a value is longer than its column allows: a String id at most 255 characters, an @Indexed"
                    + " text field at most 768 outside MariaDB's document layout; drop @Indexed from fields that hold long text)";
        }
        return "";
    }

    @Override
    public void ping() {
        read("ping", c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return null;
        });
    }

    @Override
    protected void closeResources() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        pool.close();
    }

    @Override
    public String toString() {
        return "RelationalStore[" + name() + ", " + dialect.name() + "]";
    }
}
