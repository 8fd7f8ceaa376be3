package io.polystore.internal;

import io.polystore.OperationListener;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Page;
import io.polystore.query.Query;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A repository that tells listeners about every call (name, store, time, failure).
 *
 * @param <T>  the entity type
 * @param <ID> the id type
 */
public final class ListenedRepository<T, ID> implements Repository<T, ID> {
    private final Repository<T, ID> delegate;
    private final List<OperationListener> listeners;
    private final String entity;
    private final String store;

    /**
     * @param delegate  the repository
     * @param listeners who to tell (a live list: listeners added later are told too)
     */
    public ListenedRepository(Repository<T, ID> delegate, List<OperationListener> listeners) {
        this.delegate = delegate;
        this.listeners = listeners;
        this.entity = delegate.model().name();
        this.store = delegate.store().name();
    }

    private <R> R call(String operation, Supplier<R> work) {
        long start = System.nanoTime();
        Throwable failure = null;
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            long nanos = System.nanoTime() - start;
            for (OperationListener l : listeners) {
                l.completed(entity, store, operation, nanos, failure);
            }
        }
    }

    @Override
    public EntityModel<T> model() {
        return delegate.model();
    }

    @Override
    public Store store() {
        return delegate.store();
    }

    @Override
    public T save(T e) {
        return call("save", () -> delegate.save(e));
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> es) {
        return call("saveAll", () -> delegate.saveAll(es));
    }

    @Override
    public long importAll(Iterable<? extends T> es) {
        return call("importAll", () -> delegate.importAll(es));
    }

    @Override
    public Optional<T> findById(ID id) {
        return call("findById", () -> delegate.findById(id));
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        return call("findAllById", () -> delegate.findAllById(ids));
    }

    @Override
    public boolean existsById(ID id) {
        return call("existsById", () -> delegate.existsById(id));
    }

    @Override
    public boolean deleteById(ID id) {
        return call("deleteById", () -> delegate.deleteById(id));
    }

    @Override
    public boolean delete(T e) {
        return call("delete", () -> delegate.delete(e));
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        return call("deleteAllById", () -> delegate.deleteAllById(ids));
    }

    @Override
    public long deleteAll() {
        return call("deleteAll", delegate::deleteAll);
    }

    @Override
    public long count() {
        return call("count", () -> delegate.count());
    }

    @Override
    public long count(Query q) {
        return call("countQuery", () -> delegate.count(q));
    }

    @Override
    public Page<T> find(Query q) {
        return call("find", () -> delegate.find(q));
    }

    @Override
    public Stream<T> stream(Query q) {
        return call("stream", () -> delegate.stream(q));
    }
}
