package io.polystore;

import io.polystore.mapping.EntityModel;
import io.polystore.query.Page;
import io.polystore.query.Query;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stores and finds entities of one type in the store the type is routed to. Obtain one with
 * {@link Polystore#repository(Class)}. Implementations are thread-safe.
 *
 * <p>Entities are values: {@link #save} never modifies its argument; it returns the stored entity
 * with its id (if generated) and version (if {@link io.polystore.annotation.Version @Version}) set.
 *
 * <p>Errors: {@link StoreUnavailableException} and {@link StoreTimeoutException} when the store
 * cannot answer; {@link OptimisticLockException} on a stale version; {@link UnsupportedQueryException}
 * for a query the store cannot answer; {@link IllegalArgumentException} for null entities or ids.
 *
 * @param <T>  the entity type
 * @param <ID> the id type ({@code String}, {@code Long} or {@code UUID})
 */
public interface Repository<T, ID> {

    /** @return the mapping of the entity type */
    EntityModel<T> model();

    /** @return the store this repository writes to */
    Store store();

    /**
     * Inserts or replaces an entity. An absent id is generated. With {@code @Version}, a new entity
     * (version null or 0) must not exist yet and an existing one must carry the stored version.
     *
     * @param entity the entity
     * @return the stored entity, with id and version set
     * @throws OptimisticLockException if the version is stale; nothing is written
     * @throws IllegalArgumentException if the version is negative; nothing is written
     * @throws MappingException if a value cannot be stored exactly (invalid UTF-16 text, or what a
     *                          store refuses by name, such as U+0000 on PostgreSQL); nothing is written
     */
    T save(T entity);

    /**
     * Saves many entities in as few round trips as the store allows.
     * Atomic only where the store has transactions (see {@link Transactional}).
     *
     * @param entities the entities
     * @return the stored entities, in the given order
     * @throws OptimisticLockException if a version is stale
     * @throws IllegalArgumentException if a version is negative; checked for every entity before anything is written
     * @throws MappingException if a value cannot be stored exactly; checked before anything is written
     */
    List<T> saveAll(Iterable<? extends T> entities);

    /**
     * @param id an id
     * @return the entity, or empty if there is none (or it expired)
     */
    Optional<T> findById(ID id);

    /**
     * @param ids ids
     * @return the entities found, in the order of the ids, missing ones skipped, each at most once
     */
    List<T> findAllById(Iterable<? extends ID> ids);

    /**
     * @param id an id
     * @return whether an entity with that id exists
     */
    boolean existsById(ID id);

    /**
     * Deletes an entity by id, whatever its version.
     *
     * @param id an id
     * @return whether an entity was deleted
     */
    boolean deleteById(ID id);

    /**
     * Deletes an entity, checking its {@code @Version} if it has one.
     *
     * @param entity the entity as last read or saved
     * @return whether an entity was deleted
     * @throws OptimisticLockException if the stored version differs; nothing is deleted
     */
    boolean delete(T entity);

    /**
     * @param ids ids
     * @return how many entities were deleted
     */
    long deleteAllById(Iterable<? extends ID> ids);

    /**
     * Deletes every entity of this type.
     *
     * @return how many were deleted
     */
    long deleteAll();

    /** @return the number of entities of this type */
    long count();

    /**
     * @param query a query; its sort, limit and cursor are ignored
     * @return the number of entities matching it
     */
    long count(Query query);

    /**
     * Finds one page of entities.
     *
     * @param query what to find
     * @return the page, with a cursor for the next one when more may follow
     * @throws UnsupportedQueryException if the store cannot answer the query, or its cursor was
     *                                   altered or made for another query
     * @throws StoreException if the store answered out of the query's order, so that paging would
     *                        repeat or skip entities (a guard; never expected)
     */
    Page<T> find(Query query);

    /**
     * Streams every entity matching a query, from its cursor on, ignoring its limit. The stream
     * fetches lazily page by page where the store allows; close it when done early.
     *
     * @param query what to find
     * @return the entities in query order
     */
    Stream<T> stream(Query query);

    /**
     * Writes entities exactly as given, for moving and restoring data ({@link Polystore#copy}), not
     * for application writes: ids, {@code @Version} values and {@code @Expires} instants are kept, and
     * whatever is stored under those ids is replaced without a version check. A later {@link #save}
     * of an imported entity is checked against the imported version, as if it had been saved here.
     * Like {@link #saveAll}, atomic where the store has transactions.
     *
     * @param entities the entities, every one with its id
     * @return how many were written
     * @throws IllegalArgumentException if an entity has no id or a negative version; checked for every
     *                                  entity before anything is written
     */
    default long importAll(Iterable<? extends T> entities) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement importAll");
    }

    /**
     * Shortcut for {@code store().capability(type)}.
     *
     * @param type a capability interface such as {@link Transactional}
     * @param <C>  the capability
     * @return the store's implementation of it
     * @throws UnsupportedCapabilityException if the store lacks it
     */
    default <C> C capability(Class<C> type) {
        return store().capability(type);
    }
}
