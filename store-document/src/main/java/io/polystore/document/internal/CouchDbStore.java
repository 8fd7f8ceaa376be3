package io.polystore.document.internal;

import io.polystore.Repository;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.AbstractStore;
import io.polystore.spi.StoreConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A CouchDB store over its HTTP API: one database per entity type, named by the URI's path prefix
 * and the entity's name. Also speaks to servers with CouchDB's API (Cloudant, pouchdb-server).
 * CouchDB has no expiry, so the store sweeps expired entities away periodically ({@code sweep}).
 * Thread-safe.
 */
final class CouchDbStore extends AbstractStore {
    private static final Logger LOG = Logger.getLogger(CouchDbStore.class.getName());
    private static final Set<String> OPTIONS = Set.of("user", "password", "schema", "timeout", "connect-timeout", "pool-size",
            "sweep", "batch-size", "auth");

    /** What to do about databases and indexes when a repository is first used. */
    enum SchemaMode {
        /** create missing databases and the indexes of {@code @Indexed} fields */
        CREATE,
        /** create nothing */
        NONE
    }

    final CouchDbHttp http;
    final String prefix;
    final SchemaMode schema;
    final int batchSize;
    private final ScheduledExecutorService sweeper;

    private CouchDbStore(StoreConfig config, CouchDbHttp http, String prefix) {
        super(config.name(), config.redactedUri());
        this.http = http;
        this.prefix = prefix;
        provide(io.polystore.spi.Droppable.class, this::drop);
        this.schema = config.enumOption("schema", SchemaMode.class, SchemaMode.CREATE);
        this.batchSize = config.intOption("batch-size", 1000, 1, 100_000);
        String sweep = config.stringOption("sweep", "1m");
        if (sweep.equalsIgnoreCase("off")) {
            this.sweeper = null;
        } else {
            Duration every = config.durationOption("sweep", Duration.ofMinutes(1));
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "polystore-couchdb-sweep-" + config.name());
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleWithFixedDelay(this::sweep, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Opens a store for {@code couchdb://host:port/prefix} ({@code couchdbs://} for TLS). */
    static CouchDbStore open(StoreConfig config) {
        config.requireKnownOptions(OPTIONS);
        URI uri;
        try {
            uri = new URI(config.uri());
        } catch (URISyntaxException e) {
            throw config.invalidUri("not a valid URI: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw config.invalidUri("no host; write " + config.scheme() + "://host:5984/prefix");
        }
        if (uri.getRawQuery() != null) {
            throw config.invalidUri("options go under 'options:', not in the URI");
        }
        String path = uri.getRawPath() == null ? "" : URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        String prefix = path.startsWith("/") ? path.substring(1) : path;
        if (!prefix.isEmpty() && !prefix.matches("[a-z][a-z0-9_$()+/-]*")) {
            throw config.invalidUri("the path is the prefix of the databases' names: it must start with a lower-case letter and hold"
                    + " only a-z, 0-9 and _$()+-/");
        }
        String user = config.option("user").orElse(null);
        String password = config.option("password").orElse(null);
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = user != null ? user : URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            password = password != null ? password
                    : colon < 0 ? null : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String scheme = config.scheme().equals("couchdbs") ? "https" : "http";
        int port = uri.getPort() < 0 ? (scheme.equals("https") ? 6984 : 5984) : uri.getPort();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        CouchDbHttp.Auth auth = config.enumOption("auth", CouchDbHttp.Auth.class, CouchDbHttp.Auth.BASIC);
        if (auth == CouchDbHttp.Auth.COOKIE && user == null) {
            throw config.invalid("auth", "cookie logs in with the options user and password (or user:password@ in the URI); set them");
        }
        CouchDbHttp http = new CouchDbHttp(config.name(), scheme + "://" + host + ":" + port, auth, user, password,
                config.durationOption("timeout", Duration.ofSeconds(10)), config.durationOption("connect-timeout", Duration.ofSeconds(5)),
                config.intOption("pool-size", 16, 1, 1000));
        CouchDbStore store = new CouchDbStore(config, http, prefix);
        try {
            CouchDbHttp.Response r = http.send("GET", "/", null, "connect");
            if (!r.ok() || r.body() == null || !(r.body().has("couchdb") || r.body().has("express-pouchdb") || r.body().has("vendor"))) {
                throw http.unexpected("connect (is this a CouchDB server?)", r);
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** @return the database of an entity type: the prefix and the entity's name in lower case, other characters as '_' */
    String database(EntityModel<?> model) {
        String name = model.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_$()+-]", "_");
        String db = prefix + name;
        return Character.isLetter(db.charAt(0)) ? db : "e" + db;
    }

    /** Deletes every database whose name starts with the prefix. */
    private long drop() {
        checkOpen();
        if (prefix.isEmpty()) {
            throw new io.polystore.ConfigurationException("store '" + name() + "' has no database prefix (the URI's path): dropping"
                    + " its namespace would delete every database of the server; nothing was dropped");
        }
        CouchDbHttp.Response r = http.send("GET", "/_all_dbs", null, "list databases");
        if (!r.ok() || r.body() == null || !r.body().isArray()) {
            throw http.unexpected("list databases", r);
        }
        long dropped = 0;
        for (com.fasterxml.jackson.databind.JsonNode db : r.body()) {
            String name = db.asText();
            if (name.startsWith(prefix)) {
                CouchDbHttp.Response d = http.send("DELETE", "/" + CouchDbHttp.segment(name), null, "delete database " + name);
                if (!d.ok() && d.status() != 404) {
                    throw http.unexpected("delete database " + name, d);
                }
                dropped++;
            }
        }
        forgetRepositories();
        return dropped;
    }

    /** Removes expired entities from every repository made so far; failures are logged and retried next time. */
    private void sweep() {
        for (Repository<?, ?> r : repositories()) {
            try {
                ((CouchDbRepository<?, ?>) r).sweepExpired();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "store '" + name() + "': sweeping expired entities failed; next sweep retries", e);
            }
        }
    }

    @Override
    protected <T, ID> Repository<T, ID> newRepository(EntityModel<T> model) {
        return new CouchDbRepository<T, ID>(this, model);
    }

    @Override
    public void ping() {
        checkOpen();
        CouchDbHttp.Response r = http.send("GET", "/", null, "ping");
        if (!r.ok()) {
            throw http.unexpected("ping", r);
        }
    }

    @Override
    protected void closeResources() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        // the JDK's HttpClient has no close before Java 21: its idle connections go with it
    }

    @Override
    public String toString() {
        return "CouchDbStore[" + name() + ", " + describe() + "]";
    }
}
