package io.polystore.graph.internal;

import io.polystore.Store;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Set;

/**
 * Opens Neo4j stores: {@code neo4j://}, {@code bolt://} and their {@code +s} (TLS) and {@code +ssc}
 * (TLS, self-signed certificate) forms, and {@code neo4j-embedded:[directory]}.
 */
public final class Neo4jStoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc", "neo4j-embedded");
    }

    @Override
    public Store open(StoreConfig config) {
        return Neo4jStore.open(config);
    }

    /** The namespace goes before the label prefix: labels {@code <namespace>_<label-prefix><Entity>}. */
    @Override
    public StoreConfig inNamespace(StoreConfig config, String namespace) {
        return config.withOption("label-prefix", namespace + "_" + config.options().getOrDefault("label-prefix", ""));
    }
}
