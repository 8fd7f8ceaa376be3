/**
 * For back-end authors: {@link io.polystore.spi.StoreProvider} (found with {@link java.util.ServiceLoader}),
 * {@link io.polystore.spi.StoreConfig}, and {@link io.polystore.spi.DocumentQueries}, the reference semantics of
 * queries.
 */
package io.polystore.spi;
