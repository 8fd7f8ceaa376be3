package io.polystore.relational;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.TestServers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Opens relational stores on the test servers, each suite under its own table prefix. */
final class RelationalStores {
    static final Map<Feature, String> UNSUPPORTED = Map.of(Feature.COLLECTION_PATHS,
            "relational stores keep nested lists as JSON and do not query paths through them (contains works)");
    static final Map<Feature, String> POSTGRES_UNSUPPORTED = Map.of(
            Feature.COLLECTION_PATHS, UNSUPPORTED.get(Feature.COLLECTION_PATHS),
            Feature.NUL_IN_TEXT, "PostgreSQL text and jsonb cannot hold U+0000",
            Feature.DECIMAL_NEGATIVE_SCALE, "PostgreSQL numeric keeps no negative scale");
    static final Map<Feature, String> MYSQL_UNSUPPORTED = Map.of(
            Feature.COLLECTION_PATHS, UNSUPPORTED.get(Feature.COLLECTION_PATHS),
            Feature.DECIMAL_ANY_SIZE, "MySQL/MariaDB compare decimals as DECIMAL(65,30)");

    private RelationalStores() {
    }

    /** A store on a fresh SQLite file. */
    static Polystore sqlite(String prefix, Map<String, String> options) {
        return open("jdbc:sqlite:" + TestServers.sqliteFile("test.db"), prefix, options);
    }

    /** A store on the configured PostgreSQL (skips or fails as {@link TestServers} says). */
    static Polystore postgres(String prefix, Map<String, String> options) {
        return open(TestServers.postgresUrl(), prefix, options);
    }

    /** A store on the configured MySQL/MariaDB. */
    static Polystore mysql(String prefix, Map<String, String> options) {
        return open(TestServers.mysqlUrl(), prefix, options);
    }

    static Store store(Polystore polystore) {
        return polystore.store("db");
    }

    private static Polystore open(String url, String prefix, Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("schema", "create");
        all.put("table-prefix", prefix);
        all.putAll(options);
        return Polystore.builder().store("db", url, all).build();
    }
}
