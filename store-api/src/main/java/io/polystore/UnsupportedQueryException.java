package io.polystore;

/**
 * A query the store cannot answer, or that names an unknown field. The message says what is unsupported and what to do instead (index the field, route the entity to another store, ...).
 */
public class UnsupportedQueryException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public UnsupportedQueryException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public UnsupportedQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
