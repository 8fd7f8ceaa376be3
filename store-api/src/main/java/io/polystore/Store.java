package io.polystore;

import io.polystore.mapping.EntityModel;

import java.util.Optional;
import java.util.Set;

/**
 * A named, open connection to one database (or in-memory space), made by a
 * {@link io.polystore.spi.StoreProvider} from a URI. Holds the repositories of the entity types
 * routed to it and the capabilities only some stores have. Thread-safe.
 */
public interface Store extends AutoCloseable {

    /** @return the name given in configuration */
    String name();

    /** @return the store's URI with any password removed, safe to log */
    String describe();

    /**
     * The repository for an entity type, created on first use (creating tables or indexes where
     * the store is configured to).
     *
     * @param model the entity's mapping
     * @param <T>   the entity type
     * @param <ID>  the id type
     * @return the repository
     */
    <T, ID> Repository<T, ID> repository(EntityModel<T> model);

    /** @return the capability interfaces this store implements, such as {@link Transactional} */
    Set<Class<?>> capabilities();

    /**
     * @param type a capability interface
     * @param <C>  the capability
     * @return the store's implementation of it, if it has one
     */
    <C> Optional<C> findCapability(Class<C> type);

    /**
     * @param type a capability interface
     * @param <C>  the capability
     * @return the store's implementation of it
     * @throws UnsupportedCapabilityException naming the store and capability if it has none
     */
    default <C> C capability(Class<C> type) {
        return findCapability(type).orElseThrow(() -> new UnsupportedCapabilityException("store '" + name()
                + "' (" + describe() + ") does not support " + type.getSimpleName() + "; it supports "
                + capabilities().stream().map(Class::getSimpleName).sorted().toList()
                + ". Route the entity to a store that has it."));
    }

    /**
     * Checks that the store answers, with one cheap round trip ({@code SELECT 1} on a pooled
     * connection, Redis {@code EXISTS}, Cypher {@code RETURN 1}, a key-value read, CouchDB's welcome
     * document): for health checks. Creates nothing.
     *
     * @throws StoreException when it does not answer or is closed ({@link StoreUnavailableException},
     *                        {@link StoreTimeoutException})
     */
    default void ping() {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement ping");
    }

    /** Closes connections and pools. Idempotent. */
    @Override
    void close();
}
