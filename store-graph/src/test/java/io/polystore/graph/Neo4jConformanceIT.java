package io.polystore.graph;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.RepositoryConformanceSuite;

import java.util.Map;

/** The conformance suite on Neo4j over Bolt (embedded, or the server POLYSTORE_NEO4J_URL names). */
class Neo4jConformanceIT extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return Polystore.builder().store("graph", Neo4jTestServer.url(), Map.of("label-prefix", "Conformance_")).build()
                .store("graph");
    }
}
