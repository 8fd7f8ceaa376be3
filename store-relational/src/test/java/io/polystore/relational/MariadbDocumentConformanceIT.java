package io.polystore.relational;

import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RepositoryConformanceSuite;

import java.util.Map;

/** The conformance suite on Mariadb with {@code layout: document}: each entity one JSON document. */
class MariadbDocumentConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return RelationalStores.store(RelationalStores.mysql("docs_", Map.of("layout", "document")));
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return RelationalStores.MYSQL_UNSUPPORTED;
    }
}
