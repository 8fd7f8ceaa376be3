package io.polystore.bench;

import io.polystore.graph.EmbeddedNeo4j;
import io.polystore.spi.StoreConfig;

import java.nio.file.Path;

/**
 * The Neo4j a bench command runs against. For {@code neo4j-embedded:[dir]} the bench starts the
 * embedded database itself and gives the API and the raw driver the same Bolt address, so both
 * measure one server; other URIs are used as they are.
 */
public final class Neo4jServer implements AutoCloseable {
    private final EmbeddedNeo4j embedded;
    private final String uri;

    private Neo4jServer(EmbeddedNeo4j embedded, String uri) {
        this.embedded = embedded;
        this.uri = uri;
    }

    public static boolean embedded(String uri) {
        return StoreConfig.scheme(uri).equals("neo4j-embedded");
    }

    /** Starts the embedded database the URI names, if it names one. */
    public static Neo4jServer of(String uri) {
        if (!embedded(uri)) {
            return new Neo4jServer(null, uri);
        }
        String dir = uri.substring("neo4j-embedded:".length());
        EmbeddedNeo4j db = dir.isBlank() ? EmbeddedNeo4j.startTemporary() : EmbeddedNeo4j.start(Path.of(dir));
        return new Neo4jServer(db, db.boltUri());
    }

    /** @return the URI to open the store (and the raw driver) with */
    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
