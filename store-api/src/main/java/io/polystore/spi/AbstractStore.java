package io.polystore.spi;

import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.StoreUnavailableException;
import io.polystore.mapping.EntityModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every {@link Store} has in common: its name and safe description, one repository per entity
 * type made at most once ({@link RepositoryCache}), the capabilities it registers, and closing
 * exactly once. A back end supplies {@link #newRepository} and {@link #closeResources}, and calls
 * {@link #provide} from its constructor for each capability it has. Thread-safe.
 */
public abstract class AbstractStore implements Store {
    private final String name;
    private final String description;
    private final RepositoryCache repositories = new RepositoryCache();
    private final Map<Class<?>, Object> capabilities = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param name        the name given in configuration
     * @param description the store's URI without secrets ({@link Redaction}), safe to log
     */
    protected AbstractStore(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /**
     * Registers a capability; call it from the constructor only (the map is not changed afterwards).
     *
     * @param type           the capability interface
     * @param implementation what implements it
     * @param <C>            the capability
     */
    protected final <C> void provide(Class<C> type, C implementation) {
        capabilities.put(type, type.cast(implementation));
    }

    /**
     * Makes the repository of an entity type; called at most once per type (see {@link RepositoryCache}).
     *
     * @param model the entity's mapping
     * @param <T>   the entity type
     * @param <ID>  the id type
     * @return the repository
     */
    protected abstract <T, ID> Repository<T, ID> newRepository(EntityModel<T> model);

    /** Releases connections, pools and threads; called once, by the first {@link #close}. */
    protected abstract void closeResources();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String describe() {
        return description;
    }

    @Override
    public final <T, ID> Repository<T, ID> repository(EntityModel<T> model) {
        checkOpen();
        return repositories.get(model.type(), () -> newRepository(model));
    }

    /** @return the repositories made so far */
    protected final java.util.Collection<Repository<?, ?>> repositories() {
        return repositories.all();
    }

    /**
     * Forgets the repositories made so far, so that the next {@link #repository} of a type makes
     * (and prepares: tables, indexes, databases) a new one; what a {@link Droppable} store calls
     * after dropping its namespace.
     */
    protected final void forgetRepositories() {
        repositories.clear();
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.copyOf(capabilities.keySet());
    }

    @Override
    public <C> Optional<C> findCapability(Class<C> type) {
        Object c = capabilities.get(type);
        return c == null ? Optional.empty() : Optional.of(type.cast(c));
    }

    /** @return whether {@link #close} has been called */
    protected final boolean isClosed() {
        return closed.get();
    }

    /**
     * Called before a repository is handed out; a store whose client can be closed from outside
     * (a connection factory the application owns) overrides it to check that too.
     *
     * @throws StoreUnavailableException naming the store if it is closed
     */
    protected void checkOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    /** @return the exception that says this store is closed */
    protected final StoreUnavailableException closedException() {
        return new StoreUnavailableException("store '" + name + "' (" + description + ") is closed");
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            closeResources();
        }
    }
}
