package io.polystore.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
 * A repository that times every call in a Micrometer registry:
 * {@code polystore.store.operations{entity, store, operation, outcome}}.
 *
 * @param <T>  the entity type
 * @param <ID> the id type
 */
public final class MeteredRepository<T, ID> implements Repository<T, ID> {
    private final Repository<T, ID> delegate;
    private final MeterRegistry registry;

    /**
     * @param delegate the repository to time
     * @param registry where the timers go
     */
    public MeteredRepository(Repository<T, ID> delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    private <R> R timed(String operation, Supplier<R> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            R r = call.get();
            outcome = "ok";
            return r;
        } finally {
            Timer.builder("polystore.store.operations")
                    .description("Repository calls")
                    .tag("entity", delegate.model().name())
                    .tag("store", delegate.store().name())
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
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
    public T save(T entity) {
        return timed("save", () -> delegate.save(entity));
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        return timed("saveAll", () -> delegate.saveAll(entities));
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        return timed("importAll", () -> delegate.importAll(entities));
    }

    @Override
    public Optional<T> findById(ID id) {
        return timed("findById", () -> delegate.findById(id));
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        return timed("findAllById", () -> delegate.findAllById(ids));
    }

    @Override
    public boolean existsById(ID id) {
        return timed("existsById", () -> delegate.existsById(id));
    }

    @Override
    public boolean deleteById(ID id) {
        return timed("deleteById", () -> delegate.deleteById(id));
    }

    @Override
    public boolean delete(T entity) {
        return timed("delete", () -> delegate.delete(entity));
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        return timed("deleteAllById", () -> delegate.deleteAllById(ids));
    }

    @Override
    public long deleteAll() {
        return timed("deleteAll", delegate::deleteAll);
    }

    @Override
    public long count() {
        return timed("count", () -> delegate.count());
    }

    @Override
    public long count(Query query) {
        return timed("countQuery", () -> delegate.count(query));
    }

    @Override
    public Page<T> find(Query query) {
        return timed("find", () -> delegate.find(query));
    }

    @Override
    public Stream<T> stream(Query query) {
        return timed("stream", () -> delegate.stream(query));
    }
}
