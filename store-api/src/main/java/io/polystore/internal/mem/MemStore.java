package io.polystore.internal.mem;

import io.polystore.GraphOperations;
import io.polystore.KeyValueOperations;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.StoreUnavailableException;
import io.polystore.Transactional;
import io.polystore.mapping.EntityModel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The in-memory store.
 *
 * <p>Design: every operation holds the read lock of one {@link ReentrantReadWriteLock} while it
 * runs; single-entity writes are atomic through {@link ConcurrentHashMap#compute}. A transaction
 * holds the write lock, so it runs alone (serializable), and records an undo action for each write
 * made by its thread; an exception replays them newest first. Nested transactions join the
 * outermost one. {@code saveAll} runs as a transaction, so a stale version in a batch writes nothing.
 */
final class MemStore implements Store, Transactional {
    private final String name;
    private final String uri;
    private final io.polystore.spi.RepositoryCache repositories = new io.polystore.spi.RepositoryCache();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ThreadLocal<Deque<Runnable>> undo = new ThreadLocal<>();
    private final MemKeyValue keyValue;
    private final MemGraph graph;
    private volatile boolean closed;

    MemStore(String name, String uri) {
        this.name = name;
        this.uri = uri;
        this.keyValue = new MemKeyValue(this);
        this.graph = new MemGraph(this);
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
        checkOpen();
        return repositories.get(model.type(), () -> new MemRepository<T, ID>(this, model));
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.of(Transactional.class, KeyValueOperations.class, GraphOperations.class);
    }

    @Override
    public <C> Optional<C> findCapability(Class<C> type) {
        if (type == Transactional.class) {
            return Optional.of(type.cast(this));
        }
        if (type == KeyValueOperations.class) {
            return Optional.of(type.cast(keyValue));
        }
        if (type == GraphOperations.class) {
            return Optional.of(type.cast(graph));
        }
        return Optional.empty();
    }

    MemGraph graph() {
        return graph;
    }

    @Override
    public <R> R inTransaction(Supplier<R> work) {
        checkOpen();
        if (undo.get() != null) {
            return work.get();
        }
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("store '" + name + "': cannot start a transaction while streaming a query result");
        }
        lock.writeLock().lock();
        Deque<Runnable> log = new ArrayDeque<>();
        undo.set(log);
        try {
            R result = work.get();
            log.clear();
            return result;
        } catch (RuntimeException | Error e) {
            undo.remove(); // undo actions must not log undo actions of their own
            while (!log.isEmpty()) {
                log.pop().run();
            }
            throw e;
        } finally {
            undo.remove();
            lock.writeLock().unlock();
        }
    }

    /**
     * Runs one operation under the shared lock.
     */
    <R> R read(Supplier<R> op) {
        checkOpen();
        lock.readLock().lock();
        try {
            return op.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Records how to undo a write if the calling thread is in a transaction. */
    void onWrite(Runnable undoAction) {
        Deque<Runnable> log = undo.get();
        if (log != null) {
            log.push(undoAction);
        }
    }

    boolean inTransaction() {
        return undo.get() != null;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreUnavailableException("store '" + name + "' (" + uri + ") is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "MemStore[" + name + "]";
    }
}
