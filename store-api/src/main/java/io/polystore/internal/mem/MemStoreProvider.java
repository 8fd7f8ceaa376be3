package io.polystore.internal.mem;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code mem:} stores. Each store has its own data, even when two share a URI. */
public final class MemStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("mem");
    }

    @Override
    public Store open(StoreConfig config) {
        config.requireKnownOptions(Set.of());
        return new MemStore(config.name(), config.redactedUri());
    }

    /** Every {@code mem:} store starts empty and shares nothing: it is in a namespace of its own already. */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        return config;
    }
}
