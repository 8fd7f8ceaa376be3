package io.polystore;

/**
 * An entity class cannot be mapped (no id, unsupported id type, duplicate field names, ...) or a value cannot be converted. The message names the class and the field. Thrown when the repository for the class is first created.
 */
public class MappingException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public MappingException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
