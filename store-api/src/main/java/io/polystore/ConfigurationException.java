package io.polystore;

/**
 * Bad configuration: a config file, key or value, a builder setting or a store option. The message names the file (or builder), the key and the bad value. Thrown at startup, before any store is used.
 */
public class ConfigurationException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying exception, usually the driver's
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
