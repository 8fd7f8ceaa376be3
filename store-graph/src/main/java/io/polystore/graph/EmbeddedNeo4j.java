package io.polystore.graph;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An embedded Neo4j (Community Edition) in this JVM, with Bolt on a free loopback port, so that the
 * store reaches it through the same driver and Cypher as a Neo4j server. The {@code neo4j-embedded:}
 * store URI starts one; tests and the bench use it directly.
 *
 * <p>Needs {@code org.neo4j:neo4j} on the class path (an optional dependency of store-graph). Start
 * takes seconds; keep one per JVM. Bolt listens on 127.0.0.1 only and asks for no authentication.
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedNeo4j implements AutoCloseable {
    private final Path directory;
    private final boolean temporary;
    private final DatabaseManagementService dbms;
    private final String boltUri;
    private volatile boolean closed;

    private EmbeddedNeo4j(Path directory, boolean temporary) {
        this.directory = directory;
        this.temporary = temporary;
        this.dbms = new DatabaseManagementServiceBuilder(directory)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // the in-JVM channel serves only Neo4j's own HTTP API, and its Netty local transport is
                // what fails on the Netty 4.2 that Lettuce brings; TCP Bolt works on both
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                // a closing database waits this long for Bolt threads and connections (10 s by default),
                // even when every client has gone
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, java.time.Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, java.time.Duration.ofSeconds(1))
                .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .build();
        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        ConnectorPortRegister ports = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        this.boltUri = "bolt://" + ports.getLocalAddress(ConnectorType.BOLT);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "embedded-neo4j-shutdown"));
    }

    /**
     * Starts a database in a new temporary directory, deleted again by {@link #close()}.
     *
     * @return the running database
     */
    public static EmbeddedNeo4j startTemporary() {
        try {
            return new EmbeddedNeo4j(Files.createTempDirectory("polystore-neo4j-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for embedded Neo4j", e);
        }
    }

    /**
     * Starts (or reopens) a database kept in a directory.
     *
     * @param directory where Neo4j keeps its files; made if missing
     * @return the running database
     */
    public static EmbeddedNeo4j start(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new EmbeddedNeo4j(directory.toAbsolutePath(), false);
    }

    /** @return {@code bolt://127.0.0.1:<port>}: the address for {@code neo4j-java-driver} */
    public String boltUri() {
        return boltUri;
    }

    /** @return where the database keeps its files */
    public Path directory() {
        return directory;
    }

    /** Stops the database, and deletes its directory if it was temporary. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        dbms.shutdown();
        if (temporary) {
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "EmbeddedNeo4j[" + boltUri + ", " + directory + "]";
    }
}
