package io.polystore.spi;

/**
 * A store capability: removes everything the store keeps under its namespace (the prefix its
 * configuration puts before table, key, label or database names), for tests and tools that give a
 * store a namespace of its own and want nothing left behind: the testkit's {@code @PolystoreTest}
 * drops each test class's namespace when the class is done.
 *
 * <p>After {@link #drop()} the store starts afresh: the next repository it hands out creates its
 * table, indexes or database again (with {@code schema: create}). Repositories obtained before
 * the drop must not be used again.
 *
 * <pre>{@code
 * store.capability(Droppable.class).drop();
 * }</pre>
 */
public interface Droppable {
    /**
     * Removes every table, index, key, node or database under the store's namespace, whether this
     * store created it or an earlier one with the same namespace did.
     *
     * @return how many tables, keys, nodes or databases were removed (indexes are not counted)
     * @throws io.polystore.ConfigurationException when the store has no namespace (an empty
     *         prefix would mean the whole database): nothing is removed then
     * @throws io.polystore.StoreException when the server fails
     */
    long drop();
}
