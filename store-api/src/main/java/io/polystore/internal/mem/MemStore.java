package io.polystore.internal.mem;

import io.polystore.GraphOperations;
import io.polystore.KeyValueOperations;
import io.polystore.Repository;
import io.polystore.Transactional;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.AbstractStore;

import java.util.ArrayDeque;
import java.util.Deque;
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
final class MemStore extends AbstractStore implements Transactional {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ThreadLocal<Deque<Runnable>> undo = new ThreadLocal<>();
    private final MemGraph graph;

    MemStore(String name, String uri) {
        super(name, uri);
        this.graph = new MemGraph(this);
        provide(Transactional.class, this);
        provide(KeyValueOperations.class, new MemKeyValue(this));
        provide(GraphOperations.class, graph);
    }

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        return new MemRepository<T, ID>(this, model);
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
            throw new IllegalStateException("store '" + name() + "': cannot start a transaction while streaming a query result");
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

    @Override
    public void ping() {
        checkOpen();
    }

    @Override
    protected void closeResources() {
        // nothing to release: the data goes with the object
    }

    @Override
    public String toString() {
        return "MemStore[" + name() + "]";
    }
}
