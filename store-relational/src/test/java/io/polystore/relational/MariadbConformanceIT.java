package io.polystore.relational;

import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RepositoryConformanceSuite;

import java.util.Map;

/** The conformance suite on Mariadb. */
class MariadbConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return RelationalStores.store(RelationalStores.mysql("conf_", Map.of()));
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return RelationalStores.MYSQL_UNSUPPORTED;
    }
}
