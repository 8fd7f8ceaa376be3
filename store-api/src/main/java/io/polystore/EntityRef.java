package io.polystore;

import io.polystore.mapping.EntityModel;

import java.util.Objects;

/**
 * A reference to an entity by type name and id, valid across stores: a graph store can relate a
 * user kept in PostgreSQL to an article kept in Couchbase.
 *
 * @param entity the entity's stored name ({@link EntityModel#name()})
 * @param id     the id as text ({@link EntityModel#idToString})
 */
public record EntityRef(String entity, String id) {
    /**
     * @param entity the entity's stored name ({@link EntityModel#name()})
     * @param id     the id as text ({@link EntityModel#idToString})
     * @throws NullPointerException for a null component
     */
    public EntityRef {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(id, "id");
    }

    /**
     * @param type an entity class
     * @param id   an id of that class
     * @return a reference to it
     */
    public static EntityRef of(Class<?> type, Object id) {
        EntityModel<?> model = EntityModel.of(type);
        return new EntityRef(model.name(), model.idToString(id));
    }

    /**
     * @param entity a saved entity (its id must be set)
     * @param <T>    its type
     * @return a reference to it
     */
    @SuppressWarnings("unchecked")
    public static <T> EntityRef to(T entity) {
        EntityModel<T> model = EntityModel.of((Class<T>) entity.getClass());
        Object id = model.idOf(entity);
        if (id == null) {
            throw new IllegalArgumentException(model.name() + ": entity has no id yet; save it first");
        }
        return new EntityRef(model.name(), model.idToString(id));
    }

    @Override
    public String toString() {
        return entity + ":" + id;
    }
}
