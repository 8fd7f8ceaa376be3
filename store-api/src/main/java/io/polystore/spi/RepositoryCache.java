package io.polystore.spi;

import io.polystore.Repository;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One repository per entity type, made at most once, without holding a map lock while it is made:
 * making one may run I/O (DDL, waiting for indexes), and a thread asking for another type must
 * not wait for it. Threads asking for the same type wait for the one making it. Thread-safe.
 */
public final class RepositoryCache {
    private final ConcurrentHashMap<Class<?>, Repository<?, ?>> repositories = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param type    the entity class
     * @param factory makes its repository (may run I/O); called at most once per type unless it throws
     * @param <T>     the entity type
     * @param <ID>    the id type
     * @return the type's repository
     */
    @SuppressWarnings("unchecked")
    public <T, ID> Repository<T, ID> get(Class<T> type, Supplier<? extends Repository<T, ID>> factory) {
        Repository<?, ?> repo = repositories.get(type);
        if (repo != null) {
            return (Repository<T, ID>) repo;
        }
        synchronized (locks.computeIfAbsent(type, t -> new Object())) {
            repo = repositories.get(type);
            if (repo == null) {
                repo = factory.get();
                repositories.put(type, repo);
            }
            return (Repository<T, ID>) repo;
        }
    }

    /** @return the repositories made so far */
    public java.util.Collection<Repository<?, ?>> all() {
        return repositories.values();
    }

    /** Forgets every repository: the next {@link #get} of a type makes a new one. */
    public void clear() {
        repositories.clear();
    }
}
