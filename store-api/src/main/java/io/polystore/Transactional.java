package io.polystore;

import java.util.function.Supplier;

/**
 * Capability: run work in one transaction on one store. A call made inside another joins it;
 * the outermost call commits. Any exception rolls the whole transaction back and is rethrown.
 * Obtain with {@code store.capability(Transactional.class)}.
 */
public interface Transactional {

    /**
     * @param work the work; repositories of this store used inside it take part in the transaction
     * @param <R>  its result
     * @return the work's result, after commit
     */
    <R> R inTransaction(Supplier<R> work);

    /**
     * @param work the work; repositories of this store used inside it take part in the transaction
     */
    default void runInTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
