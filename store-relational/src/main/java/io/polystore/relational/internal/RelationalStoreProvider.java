package io.polystore.relational.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/** Opens {@code jdbc:sqlite:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:} and {@code jdbc:mysql:} stores. */
public final class RelationalStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("jdbc:sqlite", "jdbc:postgresql", "jdbc:mariadb", "jdbc:mysql");
    }

    @Override
    public Store open(StoreConfig config) {
        return RelationalStore.open(config);
    }

    /** The namespace goes before the table prefix: {@code <namespace>_<table-prefix><entity>}. */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        return config.withOption("table-prefix", namespace + "_" + config.options().getOrDefault("table-prefix", ""));
    }
}
