package io.polystore;

/**
 * Root of every exception Polystore throws. Unchecked; the driver's exception, when there is one,
 * is kept as the {@linkplain #getCause() cause}.
 *
 * <p>Whether retrying can help is told by the {@link RetryableException} marker, not by the
 * place in this tree: {@code if (e instanceof RetryableException) retry();}.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the store, entity or key involved */
    public StoreException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the store, entity or key involved
     * @param cause the driver's exception
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
