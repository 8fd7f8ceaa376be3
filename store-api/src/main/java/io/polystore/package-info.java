/**
 * The Polystore API: {@link io.polystore.Polystore} (entry point and routing), {@link io.polystore.Repository},
 * {@link io.polystore.Store}, the capabilities {@link io.polystore.Transactional},
 * {@link io.polystore.KeyValueOperations} and {@link io.polystore.GraphOperations}, and the exception tree rooted
 * at {@link io.polystore.StoreException}.
 */
package io.polystore;
