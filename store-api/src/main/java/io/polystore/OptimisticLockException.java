package io.polystore;

/**
 * A save or delete carried a {@link io.polystore.annotation.Version @Version} that no longer matches the stored one: somebody else changed the entity first. Nothing was written. Re-read the entity, re-apply the change and save again.
 */
public class OptimisticLockException extends StoreException implements RetryableException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public OptimisticLockException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public OptimisticLockException(String message, Throwable cause) {
        super(message, cause);
    }
}
