package io.polystore;

/**
 * Capability of stores that keep their own secondary indexes (Redis): check that the index
 * structures agree with the stored entities, and repair them. Obtain with
 * {@code store.capability(IndexMaintenance.class)}. Thread-safe; a repair may run while the
 * application writes (each entity is re-indexed atomically, and only if it did not change meanwhile).
 */
public interface IndexMaintenance {

    /**
     * What a verification found.
     *
     * @param entity   the entity's stored name
     * @param entities how many stored entities were checked
     * @param missing  index entries that should exist and did not (an entity its type's id set does not list counts as one)
     * @param stale    index entries that should not exist (changed values, deleted or expired entities)
     * @param repaired whether the drift was fixed
     */
    record Report(String entity, long entities, long missing, long stale, boolean repaired) {
        /** @return whether the indexes agreed with the entities */
        public boolean clean() {
            return missing == 0 && stale == 0;
        }
    }

    /**
     * Compares the indexes of an entity type with its stored entities.
     *
     * @param type   an entity class of this store
     * @param repair whether to fix what is found
     * @return what was found (and fixed)
     */
    Report verifyIndexes(Class<?> type, boolean repair);
}
