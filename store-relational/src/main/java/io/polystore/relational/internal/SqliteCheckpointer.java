package io.polystore.relational.internal;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread and connection of its
 * own. Left to SQLite, the writer whose commit takes the log past 1 000 pages runs that checkpoint
 * (and its {@code fsync}) before its statement returns, so on a store where writers queue for one
 * lock every writer behind it waits too: milliseconds, every thousand pages. Here a passive
 * checkpoint runs after every {@link #WRITES} writes and at least every second while there were
 * any; it waits for nobody, and writers go on appending to the log while it copies. The pooled
 * connections keep SQLite's own checkpoint as a backstop at {@link #BACKSTOP_PAGES} pages, should
 * this thread fall behind.
 */
final class SqliteCheckpointer implements AutoCloseable {
    /** Writes after which a checkpoint is started. */
    static final int WRITES = 256;
    /** {@code wal_autocheckpoint} of the pooled connections: 40 MB of log with 4 KiB pages. */
    static final int BACKSTOP_PAGES = 10_000;

    private static final Logger LOG = Logger.getLogger(SqliteCheckpointer.class.getName());

    private final Connection connection;
    private final Thread thread;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile boolean closed;
    private boolean warned;

    SqliteCheckpointer(DataSource source, String store) throws SQLException {
        this.connection = source.getConnection();
        this.thread = new Thread(this::run, "polystore-" + store + "-wal-checkpoint");
        thread.setDaemon(true);
        thread.start();
    }

    /** Counts a write statement or a commit; every {@link #WRITES}th wakes the checkpointer. */
    void wrote() {
        if (writes.incrementAndGet() == WRITES) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            if (writes.getAndSet(0) > 0 && !closed) {
                checkpoint();
            }
        }
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException e) {
            // the pooled connections' own checkpoint still bounds the log
            if (!warned) {
                warned = true;
                LOG.log(Level.WARNING, "SQLite checkpoint failed (SQLite's own checkpoint stays on): " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing the store; SQLite checkpoints when its last connection closes
        }
    }
}
