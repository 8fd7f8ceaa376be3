package io.polystore;

/**
 * A store was asked for a capability (such as {@link Transactional}) it does not have. The message names the store and the capability.
 */
public class UnsupportedCapabilityException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public UnsupportedCapabilityException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public UnsupportedCapabilityException(String message, Throwable cause) {
        super(message, cause);
    }
}
