package io.polystore.internal;

import io.polystore.ConfigurationException;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The back ends on the classpath, by URI scheme, found with {@link ServiceLoader}. */
public final class Providers {
    /** Which Maven artifact brings each scheme, for the message when it is missing. */
    private static final Map<String, String> ARTIFACTS = Map.ofEntries(
            Map.entry("jdbc:sqlite", "store-relational"),
            Map.entry("jdbc:postgresql", "store-relational"),
            Map.entry("jdbc:mysql", "store-relational"),
            Map.entry("jdbc:mariadb", "store-relational"),
            Map.entry("redis", "store-keyvalue"),
            Map.entry("rediss", "store-keyvalue"),
            Map.entry("redis-cluster", "store-keyvalue"),
            Map.entry("couchbase", "store-document"),
            Map.entry("couchbases", "store-document"),
            Map.entry("couchdb", "store-document"),
            Map.entry("couchdbs", "store-document"),
            Map.entry("neo4j", "store-graph"),
            Map.entry("neo4j+s", "store-graph"),
            Map.entry("bolt", "store-graph"),
            Map.entry("bolt+s", "store-graph"),
            Map.entry("neo4j+ssc", "store-graph"),
            Map.entry("bolt+ssc", "store-graph"),
            Map.entry("neo4j-embedded", "store-graph"));

    /** The scheme of URIs that name a Spring Data Redis connection factory bean (the Spring Boot starter's). */
    public static final String SPRING_DATA_REDIS = "spring-data-redis";

    private final Map<String, StoreProvider> byScheme = new TreeMap<>();

    /** @param loader the class loader to search */
    public Providers(ClassLoader loader) {
        this(loader, java.util.List.of());
    }

    /**
     * @param loader the class loader to search
     * @param first  back ends asked before those of the class loader
     */
    public Providers(ClassLoader loader, java.util.List<StoreProvider> first) {
        for (StoreProvider p : first) {
            for (String scheme : p.schemes()) {
                byScheme.putIfAbsent(scheme, p);
            }
        }
        for (StoreProvider p : ServiceLoader.load(StoreProvider.class, loader)) {
            for (String scheme : p.schemes()) {
                byScheme.putIfAbsent(scheme, p);
            }
        }
    }

    /**
     * @param config a store's configuration
     * @return the provider for its URI's scheme
     * @throws ConfigurationException naming the artifact to add, or the known schemes
     */
    public StoreProvider forConfig(StoreConfig config) {
        String scheme = config.scheme();
        StoreProvider p = byScheme.get(scheme);
        if (p != null) {
            return p;
        }
        if (scheme.equals(SPRING_DATA_REDIS)) {
            throw config.invalidUri("'spring-data-redis:' names a Spring Data Redis RedisConnectionFactory bean, which the "
                    + "Spring Boot starter (io.polystore:polystore-spring-boot-starter) looks up when io.polystore:store-keyvalue "
                    + "and Spring Data Redis are on the class path too; without Spring Boot, build the store with "
                    + "SpringDataRedis.store(name, factory, options) and add it with Polystore.Builder.store(Store)");
        }
        String artifact = ARTIFACTS.get(scheme);
        if (artifact != null) {
            throw config.invalidUri("the '" + scheme + "' back end is not on the classpath; add the Maven artifact "
                    + "io.polystore:" + artifact);
        }
        throw config.invalidUri(scheme.isEmpty() ? "no URI scheme; write e.g. mem:, jdbc:sqlite:app.db or redis://host:6379"
                : "unknown URI scheme '" + scheme + "'; schemes on the classpath: " + byScheme.keySet()
                + ", others: " + new TreeMap<>(ARTIFACTS).keySet());
    }
}
