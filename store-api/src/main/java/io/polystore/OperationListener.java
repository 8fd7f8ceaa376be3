package io.polystore;

/**
 * Told about every call of a repository handed out by {@link Polystore#repository} once the listener
 * was added ({@link Polystore#addListener}): for metrics and tracing. Called on the caller's thread
 * after the call; must be fast and must not throw.
 */
@FunctionalInterface
public interface OperationListener {
    /**
     * @param entity    the entity's stored name ({@code User})
     * @param store     the store's name
     * @param operation the {@link Repository} method ({@code save}, {@code findById}, {@code find}, ...)
     * @param nanos     how long it took
     * @param failure   what it threw, or null
     */
    void completed(String entity, String store, String operation, long nanos, Throwable failure);
}
