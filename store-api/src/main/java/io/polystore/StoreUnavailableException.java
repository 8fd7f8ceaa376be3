package io.polystore;

/**
 * The store cannot be reached (connection refused or lost, server shutting down). Retrying later may succeed.
 */
public class StoreUnavailableException extends StoreException implements RetryableException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public StoreUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
