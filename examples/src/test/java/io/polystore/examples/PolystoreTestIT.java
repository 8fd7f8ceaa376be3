package io.polystore.examples;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.testkit.PolystoreTest;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link PolystoreTest} as a user's test class meets it. The annotated classes below are run
 * through the JUnit launcher (Surefire and Failsafe leave nested classes alone), so that what
 * happens after them can be checked: namespaces dropped, temporary files gone.
 */
class PolystoreTestIT {
    /** An entity of the user's, in the default store. */
    public record Note(@Id String id, String title) {
    }

    /** Routed to Redis by the services configuration. */
    public record Visit(@Id String id, long count) {
    }

    /** Routed to CouchDB by the services configuration. */
    public record Doc(@Id String id, String body) {
    }

    /** What the classes run through the launcher saw, for the checks after them. */
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    private static TestExecutionSummary run(Class<?>... classes) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> c : classes) {
            request.selectors(selectClass(c));
        }
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(built, listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        StringWriter out = new StringWriter();
        summary.printFailuresTo(new PrintWriter(out), 20);
        return out.toString();
    }

    // ---- embedded SQLite, one Polystore per class ------------------------------------------------

    @PolystoreTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OnEmbeddedSqlite {
        @Test
        @Order(1)
        void injectsThePolystoreAndRepositories(Polystore polystore, Repository<Note, String> notes) {
            SEEN.put("sqlite.polystore", polystore);
            SEEN.put("sqlite.uri", polystore.store("default").describe());
            assertThat(polystore.namespace()).hasValueSatisfying(ns -> assertThat(ns).matches("pt[0-9a-f]{8}"));
            notes.save(new Note("n1", "hello"));
        }

        @Test
        @Order(2)
        void theClassSharesOnePolystore(Polystore polystore, Repository<Note, String> notes) {
            assertThat(polystore).isSameAs(SEEN.get("sqlite.polystore"));
            assertThat(notes.findById("n1")).contains(new Note("n1", "hello"));
        }

        @Nested
        class Inner {
            @Test
            void nestedClassesShareItToo(Polystore polystore) {
                assertThat(polystore).isSameAs(SEEN.get("sqlite.polystore"));
            }
        }
    }

    @Test
    void onEmbeddedSqliteTheClassSharesOnePolystoreAndItsFilesAreDeletedAfterIt() {
        TestExecutionSummary summary = run(OnEmbeddedSqlite.class);
        assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
        String uri = (String) SEEN.get("sqlite.uri");
        assertThat(uri).startsWith("jdbc:sqlite:");
        Path file = Path.of(uri.substring("jdbc:sqlite:".length()));
        assertThat(file.getParent().getFileName().toString()).startsWith("polystore-test-");
        assertThat(file.getParent()).as("the temporary directory, after the class").doesNotExist();
    }

    // ---- one Polystore per method --------------------------------------------------------------

    @PolystoreTest(store = "mem:", lifecycle = PolystoreTest.Lifecycle.PER_METHOD)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerMethod {
        @Test
        @Order(1)
        void first(Polystore polystore, Repository<Note, String> notes) {
            SEEN.put("per-method.first", polystore);
            notes.save(new Note("n1", "only here"));
        }

        @Test
        @Order(2)
        void second(Polystore polystore, Repository<Note, String> notes) {
            assertThat(polystore).isNotSameAs(SEEN.get("per-method.first"));
            assertThat(notes.count()).isZero();
        }
    }

    @Test
    void perMethodEachTestGetsItsOwnPolystore() {
        TestExecutionSummary summary = run(PerMethod.class);
        assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    }

    // ---- the CI services: PostgreSQL, Redis, CouchDB ---------------------------------------------

    /** Two classes on the same servers with the same ids: each must see only its own data. */
    @PolystoreTest(config = "polystore-services-test.yaml")
    static class OnServicesA {
        @Test
        void seesOnlyItsOwnData(Polystore polystore, Repository<Note, String> notes, Repository<Visit, String> visits,
                                Repository<Doc, String> docs) {
            checkIsolation("a", polystore, notes, visits, docs);
        }
    }

    /** The twin of {@link OnServicesA}. */
    @PolystoreTest(config = "polystore-services-test.yaml")
    static class OnServicesB {
        @Test
        void seesOnlyItsOwnData(Polystore polystore, Repository<Note, String> notes, Repository<Visit, String> visits,
                                Repository<Doc, String> docs) {
            checkIsolation("b", polystore, notes, visits, docs);
        }
    }

    private static void checkIsolation(String who, Polystore polystore, Repository<Note, String> notes,
                                       Repository<Visit, String> visits, Repository<Doc, String> docs) {
        SEEN.put("services." + who, polystore.namespace().orElseThrow());
        assertThat(polystore.storeFor(Visit.class).name()).isEqualTo("cache");
        assertThat(polystore.storeFor(Doc.class).name()).isEqualTo("docs");
        assertThat(notes.count()).isZero();
        assertThat(visits.count()).isZero();
        assertThat(docs.count()).isZero();
        notes.save(new Note("same-id", who));
        visits.save(new Visit("same-id", who.length()));
        docs.save(new Doc("same-id", who + " \uD83D\uDE00 '; DROP TABLE note;--"));
        assertThat(notes.find(io.polystore.query.Query.all()).content()).containsExactly(new Note("same-id", who));
        assertThat(docs.findById("same-id").orElseThrow().body()).startsWith(who + " ");
    }

    @Test
    void onTheServicesClassesAreIsolatedAndLeaveNothingBehind() throws Exception {
        String postgres = TestServers.postgresUrl();
        String redis = TestServers.redisUrl();
        String couchdb = TestServers.couchDbUrl();
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, String> v : Map.of("POLYSTORE_REDIS_URL", redis, "POLYSTORE_COUCHDB_URL", couchdb).entrySet()) {
            if (TestServers.variable(v.getKey()) == null) {   // a server the testkit started: the configuration's placeholder names it
                System.setProperty(v.getKey(), v.getValue());
                set.add(v.getKey());
            }
        }
        try {
            TestExecutionSummary summary = run(OnServicesA.class, OnServicesB.class);
            assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
            assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
        } finally {
            set.forEach(System::clearProperty);
        }
        List<String> namespaces = List.of((String) SEEN.get("services.a"), (String) SEEN.get("services.b"));
        assertThat(namespaces.get(0)).isNotEqualTo(namespaces.get(1));
        for (String ns : namespaces) {
            try (Connection c = DriverManager.getConnection(postgres);
                 ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), null, new String[]{"TABLE"})) {
                List<String> left = new ArrayList<>();
                while (rs.next()) {
                    if (rs.getString("TABLE_NAME").startsWith(ns)) {
                        left.add(rs.getString("TABLE_NAME"));
                    }
                }
                assertThat(left).as("PostgreSQL tables of namespace " + ns).isEmpty();
            }
            try (var jedis = new redis.clients.jedis.Jedis(URI.create(redis))) {
                assertThat(jedis.keys("*" + ns + ":*")).as("Redis keys of namespace " + ns).isEmpty();
            }
            URI couch = URI.create(couchdb.replaceFirst("^couchdb", "http"));
            HttpResponse<String> dbs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(couch.resolve("/_all_dbs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dbs.statusCode()).isEqualTo(200);
            assertThat(dbs.body()).as("CouchDB databases of namespace " + ns).doesNotContain("\"" + ns);
        }
    }

    // ---- mistakes ------------------------------------------------------------------------------

    @PolystoreTest(config = "no-such-polystore.yaml")
    static class MissingConfig {
        @Test
        void neverRuns(Polystore polystore) {
            assertThat(polystore).isNotNull();
        }
    }

    @PolystoreTest(store = "mem:")
    static class RawRepository {
        @Test
        @SuppressWarnings("rawtypes")
        void neverRuns(Repository notes) {
            assertThat(notes).isNotNull();
        }
    }

    @Test
    void mistakesFailTheClassWithAMessageThatSaysWhatToChange() {
        TestExecutionSummary missing = run(MissingConfig.class);
        assertThat(missing.getTotalFailureCount()).isEqualTo(1);
        assertThat(failures(missing)).contains("no-such-polystore.yaml").contains("no such class-path resource or file");
        TestExecutionSummary raw = run(RawRepository.class);
        assertThat(raw.getTotalFailureCount()).isEqualTo(1);
        assertThat(failures(raw)).contains("declare the entity type, as in Repository<User, String>");
    }
}
