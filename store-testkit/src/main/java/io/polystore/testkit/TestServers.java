package io.polystore.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the servers that integration tests need are, one place for every suite.
 * <ul>
 *   <li>PostgreSQL: {@code POLYSTORE_POSTGRES_URL} (a JDBC URL), else skip.</li>
 *   <li>MySQL/MariaDB: {@code POLYSTORE_MYSQL_URL}, else skip.</li>
 *   <li>Redis: {@code POLYSTORE_REDIS_URL}, else a {@code redis-server} process on a free port
 *       ({@link RedisServer}), else skip.</li>
 *   <li>Couchbase: {@code POLYSTORE_COUCHBASE_URL} with {@code POLYSTORE_COUCHBASE_USER} and
 *       {@code POLYSTORE_COUCHBASE_PASSWORD}, else skip.</li>
 *   <li>SQLite: a file in a temporary directory.</li>
 * </ul>
 * A skip prints its reason. {@code POLYSTORE_REQUIRE=postgres,mysql,redis} (CI sets it) turns the
 * skip of each named service into a failure. Variables may also be given as system properties.
 */
public final class TestServers {
    /** Names used in {@code POLYSTORE_REQUIRE}. */
    public static final String POSTGRES = "postgres";
    /** Names used in {@code POLYSTORE_REQUIRE}. */
    public static final String MYSQL = "mysql";
    /** Names used in {@code POLYSTORE_REQUIRE}. */
    public static final String REDIS = "redis";
    /** Names used in {@code POLYSTORE_REQUIRE}. */
    public static final String COUCHBASE = "couchbase";
    /** Names used in {@code POLYSTORE_REQUIRE}. */
    public static final String COUCHDB = "couchdb";

    private TestServers() {
    }

    /**
     * @param name an environment variable (or system property)
     * @return its non-blank value, or null
     */
    public static String variable(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** @return the services named in {@code POLYSTORE_REQUIRE}, lower case */
    public static Set<String> required() {
        String v = variable("POLYSTORE_REQUIRE");
        if (v == null) {
            return Set.of();
        }
        return Arrays.stream(v.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Skips the calling test (printing why), or fails it if the service is required.
     *
     * @param service a service name ({@link #POSTGRES}, ...)
     * @param reason  why it is unavailable
     * @throws AssertionError if {@code POLYSTORE_REQUIRE} names the service
     */
    public static void unavailable(String service, String reason) {
        if (required().contains(service)) {
            throw new AssertionError(service + " is required (POLYSTORE_REQUIRE=" + variable("POLYSTORE_REQUIRE")
                    + ") but unavailable: " + reason);
        }
        String message = "SKIPPED " + service + " tests: " + reason;
        System.out.println(message);
        Assumptions.abort(message);
    }

    /**
     * @return the JDBC URL of the PostgreSQL to test against
     */
    public static String postgresUrl() {
        return jdbcService(POSTGRES, "POLYSTORE_POSTGRES_URL", 5432);
    }

    /**
     * @return the JDBC URL of the MySQL or MariaDB to test against
     */
    public static String mysqlUrl() {
        return jdbcService(MYSQL, "POLYSTORE_MYSQL_URL", 3306);
    }

    private static String jdbcService(String service, String variable, int defaultPort) {
        String url = variable(variable);
        if (url == null) {
            unavailable(service, variable + " is not set (e.g. " + variable + "="
                    + (service.equals(POSTGRES) ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
                    : "jdbc:mariadb://127.0.0.1:3306/test?user=root") + ")");
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String problem = probe(host, port);
        if (problem != null) {
            unavailable(service, variable + " points at " + host + ":" + port + ", which " + problem);
        }
        return url;
    }

    /**
     * @return the CouchDB to test against, as {@code couchdb://host:port} without a database prefix:
     *         {@code POLYSTORE_COUCHDB_URL}, else a pouchdb-server started (and installed with npm) here
     */
    public static String couchDbUrl() {
        String url = variable("POLYSTORE_COUCHDB_URL");
        if (url != null) {
            URI uri = URI.create(url);
            int port = uri.getPort() < 0 ? 5984 : uri.getPort();
            String problem = probe(uri.getHost(), port);
            if (problem != null) {
                unavailable(COUCHDB, "POLYSTORE_COUCHDB_URL points at " + uri.getHost() + ":" + port + ", which " + problem);
            }
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        try {
            return "couchdb://127.0.0.1:" + CouchDbServer.shared().port();
        } catch (IllegalStateException e) {
            unavailable(COUCHDB, "POLYSTORE_COUCHDB_URL is not set and no pouchdb-server could be started: " + e.getMessage());
            throw e;
        }
    }

    /**
     * @return the URL of the Redis to test against: {@code POLYSTORE_REDIS_URL}, else a started {@code redis-server}
     */
    public static String redisUrl() {
        String url = variable("POLYSTORE_REDIS_URL");
        if (url != null) {
            URI uri = URI.create(url);
            int port = uri.getPort() < 0 ? 6379 : uri.getPort();
            String problem = probe(uri.getHost(), port);
            if (problem != null) {
                unavailable(REDIS, "POLYSTORE_REDIS_URL points at " + uri.getHost() + ":" + port + ", which " + problem);
            }
            return url;
        }
        try {
            return RedisServer.shared().url();
        } catch (IllegalStateException e) {
            unavailable(REDIS, "POLYSTORE_REDIS_URL is not set and no redis-server could be started: " + e.getMessage());
            throw e;
        }
    }

    /**
     * @param name a file name
     * @return a path for a SQLite database in a new temporary directory, deleted at exit
     */
    public static Path sqliteFile(String name) {
        try {
            Path dir = Files.createTempDirectory("polystore-sqlite-");
            dir.toFile().deleteOnExit();
            return dir.resolve(name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory for SQLite", e);
        }
    }

    /**
     * @param host a host
     * @param port a port
     * @return null if a TCP connection opens within 2 s, else what went wrong
     */
    public static String probe(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return null;
        } catch (IOException e) {
            return "does not accept connections (" + e.getMessage() + ")";
        }
    }
}
