package io.polystore.document;

import io.polystore.OptimisticLockException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.testkit.CouchDbServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is particular to the CouchDB back end, on the server the suite uses (pouchdb-server, or POLYSTORE_COUCHDB_URL). */
class CouchDbBehaviourIT {
    record Note(@Id String id, @Indexed String title, String body, BigDecimal amount, Long big, List<String> tags,
                @Version long version) {
    }

    record Plain(@Id String id, String value) {
    }

    record Session(@Id String id, String user, @Expires Instant expiresAt) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String base;
    private static Polystore polystore;

    @BeforeAll
    static void open() {
        base = TestServers.couchDbUrl();
        polystore = Polystore.builder().store("couch", base + "/behaviour_", CouchDbConformanceIT.CouchDbStores.options())
                .defaultStore("couch").build();
    }

    @AfterAll
    static void close() {
        if (polystore != null) {
            polystore.close();
        }
    }

    private static HttpResponse<String> raw(String method, String path, String body) throws Exception {
        String http = base.replaceFirst("^couchdb", "http");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hostileIdsRoundTripAsData() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        for (String id : List.of("/", "a/b", "?x=1&y", "#frag", "%20%2F", "_design/x", "_local/y", "e:", "e;", "\uD83D\uDE00 emoji",
                "..", "a b", "{\"$gt\":\"\"}", "'; DROP TABLE notes; --")) {
            Note n = notes.save(new Note(id, "t", null, null, null, null, 0));
            assertThat(notes.findById(id)).as(id).contains(n);
            assertThat(notes.findAllById(List.of(id, "missing"))).as(id).containsExactly(n);
            assertThat(notes.count(Query.where(Criteria.eq("id", id)))).as(id).isEqualTo(1);
            assertThat(notes.delete(n)).as(id).isTrue();
            assertThat(notes.existsById(id)).as(id).isFalse();
        }
    }

    @Test
    void decimalsKeepTheirScaleAndWholeNumbersTheirDigits() throws Exception {
        Repository<Note, String> notes = polystore.repository(Note.class);
        Note n = notes.save(new Note("exact", "t", null, new BigDecimal("-0.10"), 9007199254740993L, null, 0));
        Note back = notes.findById("exact").orElseThrow();
        assertThat(back.amount()).isEqualTo(new BigDecimal("-0.10"));
        assertThat(back.amount().scale()).isEqualTo(2);
        assertThat(back.big()).isEqualTo(9007199254740993L);
        assertThat(notes.find(Query.where(Criteria.eq("big", 9007199254740993L))).content()).containsExactly(n);
        assertThat(notes.find(Query.where(Criteria.eq("big", 9007199254740992L))).content()).isEmpty();
        // the exact text is kept beside the projection only where CouchDB would change a value
        assertThat(raw("GET", "/behaviour_note/e:exact", null).body()).contains("\"src\"");
        Repository<Plain, String> plains = polystore.repository(Plain.class);
        plains.save(new Plain("plain", "-0.10 as text"));
        assertThat(raw("GET", "/behaviour_plain/e:plain", null).body()).doesNotContain("\"src\"").contains("\"doc\"");
        assertThat(plains.findById("plain").map(Plain::value)).contains("-0.10 as text");
    }

    @Test
    void aValueThatLooksLikeAnOperatorIsOnlyAValue() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        notes.save(new Note("op1", "{\"$gt\": \"\"}", null, null, null, null, 0));
        notes.save(new Note("op2", "plain", null, null, null, null, 0));
        assertThat(notes.find(Query.where(Criteria.eq("title", "{\"$gt\": \"\"}"))).content()).extracting(Note::id)
                .containsExactly("op1");
        assertThat(notes.find(Query.where(Criteria.startsWith("title", ".*"))).content()).isEmpty();
        assertThat(notes.find(Query.where(Criteria.startsWith("title", "{\"$"))).content()).extracting(Note::id)
                .containsExactly("op1");
    }

    @Test
    void oldDocumentsWithMissingOrExtraFieldsLoad() throws Exception {
        Repository<Plain, String> plains = polystore.repository(Plain.class);
        plains.save(new Plain("seed", "x")); // makes the database
        String src = "{\\\"id\\\":\\\"old\\\",\\\"extra\\\":42}";
        HttpResponse<String> put = raw("PUT", "/behaviour_plain/e:old", "{\"src\":\"" + src + "\",\"doc\":{\"id\":\"old\",\"extra\":42}}");
        assertThat(put.statusCode()).as(put.body()).isIn(201, 202);
        assertThat(plains.findById("old")).contains(new Plain("old", null));
    }

    @Test
    void aMegabyteDocumentRoundTrips() {
        Repository<Plain, String> plains = polystore.repository(Plain.class);
        String big = "\uD83D\uDE00".repeat(1 << 18); // 1 MiB of UTF-8
        plains.save(new Plain("big", big));
        assertThat(plains.findById("big").map(Plain::value)).contains(big);
    }

    @Test
    void concurrentWritersLoseNoUpdateAndUnversionedSavesNeverConflict() throws Exception {
        Repository<Note, String> notes = polystore.repository(Note.class);
        Repository<Plain, String> plains = polystore.repository(Plain.class);
        notes.save(new Note("tally", "0", null, null, 0L, null, 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        plains.save(new Plain("shared", thread + ":" + i)); // a 409 on _rev is decided again, never thrown
                        while (true) {
                            Note n = notes.findById("tally").orElseThrow();
                            try {
                                notes.save(new Note("tally", n.title(), null, null, n.big() + 1, null, n.version()));
                                break;
                            } catch (OptimisticLockException e) {
                                // someone else counted first: read again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(notes.findById("tally").map(Note::big)).contains(40L);
        assertThat(plains.findById("shared")).isPresent();
    }

    @Test
    void expiredEntitiesAreHiddenAtOnceAndSweptAway() throws Exception {
        try (Polystore sweeping = Polystore.builder().store("couch", base + "/sweep_",
                with(CouchDbConformanceIT.CouchDbStores.options(), "sweep", "200ms")).defaultStore("couch").build()) {
            Repository<Session, String> sessions = sweeping.repository(Session.class);
            Instant soon = Instant.now().plusMillis(300);
            sessions.save(new Session("s1", "ada", soon));
            sessions.save(new Session("s2", "bob", Instant.now().plusSeconds(600)));
            while (!Instant.now().isAfter(soon)) {
                Thread.sleep(50);
            }
            assertThat(sessions.findById("s1")).isEmpty();
            assertThat(sessions.count()).isEqualTo(1);
            // the sweep deletes the stored document itself
            long deadline = System.nanoTime() + 30_000_000_000L;
            int status = 0;
            while (System.nanoTime() < deadline && (status = raw("GET", "/sweep_session/e:s1", null).statusCode()) != 404) {
                Thread.sleep(100);
            }
            assertThat(status).as("the sweep removed the expired document").isEqualTo(404);
            assertThat(raw("GET", "/sweep_session/e:s2", null).statusCode()).isEqualTo(200);
        }
    }

    private static Map<String, String> with(Map<String, String> options, String key, String value) {
        Map<String, String> out = new HashMap<>(options);
        out.put(key, value);
        return out;
    }

    @Test
    void aStoppedServerIsAnOutageAndARestartedOneIsUsedAgain() throws Exception {
        if (TestServers.variable("POLYSTORE_COUCHDB_URL") != null) {
            return; // a configured server is not ours to stop
        }
        CouchDbServer own = CouchDbServer.start();
        int port = own.port();
        try (Polystore p = Polystore.builder().store("couch", "couchdb://127.0.0.1:" + port + "/outage_",
                Map.of("timeout", "2s", "connect-timeout", "1s")).defaultStore("couch").build()) {
            Repository<Plain, String> plains = p.repository(Plain.class);
            plains.save(new Plain("a", "1"));
            // four writers keep saving while the server stops: every call ends, with an answer or an outage
            ExecutorService load = Executors.newFixedThreadPool(4);
            List<Future<Integer>> outages = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                outages.add(load.submit(() -> {
                    int failed = 0;
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            plains.save(new Plain("load-" + thread + "-" + i, "x"));
                        } catch (StoreUnavailableException | StoreTimeoutException e) {
                            failed++;
                        }
                    }
                    return failed;
                }));
            }
            Thread.sleep(300);
            own.close();
            Thread.sleep(500);
            stop.set(true);
            load.shutdown();
            int failures = 0;
            for (Future<Integer> f : outages) {
                failures += f.get(30, java.util.concurrent.TimeUnit.SECONDS); // no writer hangs
            }
            assertThat(failures).as("writers saw the outage as StoreUnavailable/StoreTimeout").isPositive();
            assertThatThrownBy(() -> plains.findById("a")).isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class)
                    .hasMessageContaining("store 'couch'");
            assertThatThrownBy(() -> plains.save(new Plain("b", "2")))
                    .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class);
            own = CouchDbServer.start(port); // in memory: it starts empty, and the store makes the database again
            plains.save(new Plain("b", "2"));
            assertThat(plains.findById("b").map(Plain::value)).contains("2");
            assertThat(plains.findById("a")).isEmpty();
        } finally {
            own.close();
        }
    }
}
