package io.polystore.graph;

/**
 * Where the graph tests find Neo4j: {@code POLYSTORE_NEO4J_URL} if set (a server), else one
 * embedded Neo4j started for the whole test JVM, on a free loopback port, stopped at exit.
 * Suites share it and keep apart by {@code label-prefix}.
 */
final class Neo4jTestServer {
    private static EmbeddedNeo4j embedded;

    private Neo4jTestServer() {
    }

    static synchronized String url() {
        String env = System.getenv("POLYSTORE_NEO4J_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (embedded == null) {
            embedded = EmbeddedNeo4j.startTemporary();
            System.out.println("[polystore-test] embedded Neo4j at " + embedded.boltUri());
        }
        return embedded.boltUri();
    }
}
