package io.polystore;

/**
 * The store did not answer within the configured timeout. The operation may or may not have been applied.
 */
public class StoreTimeoutException extends StoreException implements RetryableException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public StoreTimeoutException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public StoreTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
