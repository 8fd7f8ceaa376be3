package io.polystore;

/**
 * Marks a {@link StoreException} after which the same operation may succeed if tried again
 * (a lost connection, a timeout, an optimistic-lock conflict after re-reading the entity).
 */
public interface RetryableException {
}
