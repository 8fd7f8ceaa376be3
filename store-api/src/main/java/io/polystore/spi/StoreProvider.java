package io.polystore.spi;

import io.polystore.Store;

import java.util.Set;

/**
 * Service-provider interface of a back end: opens stores for the URI schemes it knows. Found with
 * {@link java.util.ServiceLoader}; a back-end module lists its provider in
 * {@code META-INF/services/io.polystore.spi.StoreProvider}. Implementations need a public
 * no-argument constructor and must be thread-safe.
 */
public interface StoreProvider {

    /**
     * @return the schemes handled, lower case, as {@link StoreConfig#scheme} computes them
     *         ({@code "mem"}, {@code "redis"}, {@code "jdbc:postgresql"}, ...)
     */
    Set<String> schemes();

    /**
     * Opens a store. Validates every option first: an unknown or bad option raises
     * {@link io.polystore.ConfigurationException} through {@link StoreConfig#invalid}.
     *
     * @param config the store's name, URI and options
     * @return the open store
     * @throws io.polystore.ConfigurationException for bad options
     * @throws io.polystore.StoreUnavailableException if the server cannot be reached
     */
    Store open(StoreConfig config);

    /**
     * The configuration of the same store with a namespace of its own: everything it creates
     * (tables, keys, labels, databases) carries {@code namespace} before the name it would have
     * had, so that stores in different namespaces on one server never see each other's data. See
     * {@link io.polystore.Polystore.Builder#namespace}.
     *
     * @param config    a store's configuration
     * @param namespace lower-case letters, digits and {@code _}, starting with a letter
     * @return the configuration in that namespace, or null when this back end has no namespaces
     */
    default StoreConfig inNamespace(StoreConfig config, String namespace) {
        return null;
    }
}
