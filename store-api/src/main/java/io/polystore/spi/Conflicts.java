package io.polystore.spi;

import io.polystore.OptimisticLockException;
import io.polystore.mapping.EntityModel;

/**
 * The optimistic-lock exceptions of every back end, with one wording: what was expected and what
 * the store holds, as far as the store can tell.
 */
public final class Conflicts {
    /** The stored entity does not exist (it was deleted, or expired). */
    public static final long ABSENT = -1;
    /** The store cannot tell what it holds (its write only reports that the check failed). */
    public static final long UNKNOWN = -2;

    private Conflicts() {
    }

    /**
     * A save whose version check failed.
     *
     * @param model    the entity's mapping
     * @param id       the entity's id
     * @param expected the version the caller had (0: new)
     * @param stored   the stored version (for a new entity: of the one that exists), {@link #ABSENT} or {@link #UNKNOWN}
     * @return the exception to throw
     */
    public static OptimisticLockException onSave(EntityModel<?> model, Object id, long expected, long stored) {
        if (expected == 0) {
            return new OptimisticLockException(model.name() + " " + id + ": saved as new (version 0) but it already exists"
                    + (stored >= 0 ? " with version " + stored : ""));
        }
        return new OptimisticLockException(model.name() + " " + id + ": version " + expected + " is stale; "
                + describe(stored));
    }

    /**
     * A delete whose version check failed.
     *
     * @param model    the entity's mapping
     * @param id       the entity's id
     * @param expected the version the caller had
     * @param stored   the stored version, or {@link #UNKNOWN}
     * @return the exception to throw
     */
    public static OptimisticLockException onDelete(EntityModel<?> model, Object id, long expected, long stored) {
        return new OptimisticLockException(model.name() + " " + id + ": cannot delete version " + expected + "; "
                + describe(stored));
    }

    private static String describe(long stored) {
        if (stored == ABSENT) {
            return "stored entity was deleted";
        }
        return stored == UNKNOWN ? "it was changed or deleted by someone else" : "stored version is " + stored;
    }
}
