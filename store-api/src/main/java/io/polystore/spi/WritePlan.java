package io.polystore.spi;

import io.polystore.mapping.EntityModel;

import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A save, prepared the same way on every back end: the entity as a document with its id (given or
 * generated) and next version written into it, the version the store must hold for the save to
 * succeed, and when the entity expires. The back end only writes it, atomically checking
 * {@link #expected} where {@link #versioned} (see {@link Conflicts} for the exception when the check
 * fails).
 *
 * @param document  the document to store: id set (unless the database assigns it), version set to {@link #next}
 * @param id        the id, or null when a whole-number id is left for the database to assign
 * @param versioned whether the entity has {@code @Version}
 * @param expected  the version the caller read: 0 for a new entity (which must not exist yet); 0 when unversioned
 * @param expiresAt when the entity expires ({@code @Expires}), or null for never
 * @param unchanged whether the stored entity equals the caller's (id given, no version): the caller's
 *                  object can be returned as is, skipping a conversion
 */
public record WritePlan(Map<String, Object> document, Object id, boolean versioned, long expected, Instant expiresAt,
                        boolean unchanged) {

    /**
     * Prepares the save of an entity.
     *
     * @param model    the entity's mapping
     * @param entity   the entity (not modified)
     * @param sequence gives the next whole-number id when the type has such ids and the entity has
     *                 none; null to leave the id null for the database to assign. Other ids are random.
     * @param <T>      the entity type
     * @return the plan
     * @throws IllegalArgumentException if the entity's version is negative
     */
    public static <T> WritePlan of(EntityModel<T> model, T entity, LongSupplier sequence) {
        return of(model, model.toDocument(entity), sequence);
    }

    /**
     * Prepares the save of a document made from a caller's entity (written into, not copied).
     *
     * @param model    the entity's mapping
     * @param document the document
     * @param sequence as in {@link #of(EntityModel, Object, LongSupplier)}
     * @return the plan
     * @throws IllegalArgumentException if the document's version is negative
     */
    public static WritePlan of(EntityModel<?> model, Map<String, Object> document, LongSupplier sequence) {
        boolean versioned = model.version().isPresent();
        Object id = model.idFromDocument(document);
        boolean unchanged = id != null && !versioned;
        if (id == null) {
            if (model.idKind() != EntityModel.IdKind.LONG) {
                id = model.newRandomId();
            } else if (sequence != null) {
                id = sequence.getAsLong();
            }
            if (id != null) {
                model.setId(document, id);
            }
        }
        long expected = model.versionFromDocument(document);
        if (versioned) {
            model.setVersion(document, expected + 1);
        }
        return new WritePlan(document, id, versioned, expected, model.expiresFromDocument(document), unchanged);
    }

    /**
     * Prepares the write of an entity exactly as given, for {@link io.polystore.Repository#importAll}:
     * its id, {@code @Version} and {@code @Expires} are kept, and nothing is checked against what is
     * stored ({@link #versioned} is false; the document's version is {@link #storedVersion}).
     *
     * @param model  the entity's mapping
     * @param entity the entity (not modified)
     * @param <T>    the entity type
     * @return the plan
     * @throws IllegalArgumentException if the entity has no id or a negative version
     */
    public static <T> WritePlan asIs(EntityModel<T> model, T entity) {
        Map<String, Object> document = model.toDocument(entity);
        Object id = model.idFromDocument(document);
        if (id == null) {
            throw new IllegalArgumentException(model.name() + ": importAll writes entities as given, so every one needs its id");
        }
        model.versionFromDocument(document);
        return new WritePlan(document, id, false, 0, model.expiresFromDocument(document), false);
    }

    /**
     * {@link #asIs(EntityModel, Object)} for every entity, all checked before any is written.
     *
     * @param model    the entity's mapping
     * @param entities the entities
     * @param <T>      the entity type
     * @return the plans, in order
     * @throws IllegalArgumentException if an entity has no id or a negative version
     */
    public static <T> java.util.List<WritePlan> asIs(EntityModel<T> model, Iterable<? extends T> entities) {
        java.util.List<WritePlan> plans = new java.util.ArrayList<>();
        for (T e : entities) {
            plans.add(asIs(model, e));
        }
        return plans;
    }

    /**
     * @param model the entity's mapping
     * @return the version the document holds (0 when the type has none): what a store keeps beside
     *         the document, for a plan made by {@link #asIs} as for one made by {@link #of}
     */
    public long storedVersion(EntityModel<?> model) {
        return model.versionFromDocument(document);
    }

    /** @return the version the document carries after the save (0 when unversioned) */
    public long next() {
        return versioned ? expected + 1 : 0;
    }

    /**
     * @param model  the entity's mapping
     * @param entity the caller's entity
     * @param <T>    the entity type
     * @return the stored entity: the caller's when {@link #unchanged}, else made from the document
     */
    public <T> T result(EntityModel<T> model, T entity) {
        return unchanged ? entity : model.fromDocument(document);
    }

    /**
     * A delete of an entity (rather than of an id): its id and, with {@code @Version}, the version it must have.
     *
     * @param id        the id
     * @param versioned whether the delete is checked against a version
     * @param expected  the version the stored entity must have; 0 when unversioned
     */
    public record Deletion(Object id, boolean versioned, long expected) {

        /**
         * @param model  the entity's mapping
         * @param entity the entity as last read or saved
         * @param <T>    the entity type
         * @return the deletion
         * @throws IllegalArgumentException if the entity has no id or a negative version
         */
        public static <T> Deletion of(EntityModel<T> model, T entity) {
            Map<String, Object> doc = model.toDocument(entity);
            Object id = model.idFromDocument(doc);
            if (id == null) {
                throw new IllegalArgumentException(model.name() + ": cannot delete an entity without id");
            }
            boolean versioned = model.version().isPresent();
            return new Deletion(id, versioned, versioned ? model.versionFromDocument(doc) : 0);
        }
    }
}
