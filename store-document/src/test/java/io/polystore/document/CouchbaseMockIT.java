package io.polystore.document;

import io.polystore.ConfigurationException;
import io.polystore.OptimisticLockException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;
import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Version;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Couchbase back end's key-value work against CouchbaseMock in this JVM: CRUD, generated ids,
 * CAS-guarded versions, expiry, batches, errors and an outage. Queries need a real server (see
 * CouchbaseConformanceIT).
 */
class CouchbaseMockIT {
    record Note(@Id String id, String title, String body, List<String> tags, BigDecimal price, Instant at,
                Map<String, Integer> counts, @Version long version) {
    }

    record Numbered(@Id Long id, String name) {
    }

    record Session(@Id String id, String user, @Expires Instant expiresAt) {
    }

    record Tally(@Id String id, long count, @Version long version) {
    }

    static final List<String> HOSTILE = List.of("'; DROP TABLE notes; --", "$1 ${x} {}", "\"quoted\" `back`", "\uD83D\uDE00 emoji",
            "tab\tnew\nline", "back\\slash", "::colons::", "a".repeat(1 << 20));

    private static CouchbaseMockServer mock;
    private static Polystore polystore;

    @BeforeAll
    static void start() {
        mock = CouchbaseMockServer.start();
        polystore = open(mock);
    }

    static Polystore open(CouchbaseMockServer server) {
        return Polystore.builder().store("cb", server.uri(), server.options()).defaultStore("cb").build();
    }

    @AfterAll
    static void stop() {
        if (polystore != null) {
            polystore.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @Test
    void hostileValuesRoundTripAndDeletesSayWhatTheyDid() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        for (String s : HOSTILE) {
            Note n = notes.save(new Note(null, s, s + s, List.of(s, ""), new BigDecimal("-0.10"), Instant.parse("2024-02-29T12:00:00.123456789Z"),
                    Map.of(s.length() > 100 ? "long" : s, 1), 0));
            assertThat(n.id()).isNotBlank();
            assertThat(n.version()).isEqualTo(1);
            Note back = notes.findById(n.id()).orElseThrow();
            assertThat(back).isEqualTo(n);
            assertThat(back.price().scale()).as("the decimal keeps its scale").isEqualTo(2);
            assertThat(notes.existsById(n.id())).isTrue();
            assertThat(notes.deleteById(n.id())).isTrue();
            assertThat(notes.deleteById(n.id())).isFalse();
            assertThat(notes.findById(n.id())).isEmpty();
        }
        // an id that is hostile too
        Note odd = notes.save(new Note("id ' \" :: \uD83D\uDE00", "t", null, null, null, null, null, 0));
        assertThat(notes.findById(odd.id())).contains(odd);
        assertThat(notes.delete(odd)).isTrue();
    }

    @Test
    void wholeNumberIdsAreGeneratedInOrderAndSkipThoseGivenByHand() {
        Repository<Numbered, Long> numbered = polystore.repository(Numbered.class);
        Numbered a = numbered.save(new Numbered(null, "a"));
        numbered.save(new Numbered(a.id() + 1, "by hand"));
        Numbered b = numbered.save(new Numbered(null, "b"));
        assertThat(b.id()).isEqualTo(a.id() + 2);
        assertThat(numbered.findById(a.id() + 1).map(Numbered::name)).contains("by hand");
    }

    @Test
    void versionsAreCheckedAndAStaleWriteChangesNothing() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        Note v1 = notes.save(new Note(null, "one", null, null, null, null, null, 0));
        assertThatThrownBy(() -> notes.save(new Note(v1.id(), "again new", null, null, null, null, null, 0)))
                .isInstanceOf(OptimisticLockException.class).hasMessageContaining("already exists");
        Note v2 = notes.save(new Note(v1.id(), "two", null, null, null, null, null, v1.version()));
        assertThat(v2.version()).isEqualTo(2);
        assertThatThrownBy(() -> notes.save(new Note(v1.id(), "stale", null, null, null, null, null, v1.version())))
                .isInstanceOf(OptimisticLockException.class).hasMessageContaining("version 1 is stale; stored version is 2");
        assertThatThrownBy(() -> notes.delete(v1)).isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("cannot delete version 1; stored version is 2");
        assertThat(notes.findById(v1.id()).map(Note::title)).contains("two");
        assertThat(notes.delete(v2)).isTrue();
        assertThat(notes.delete(v2)).isFalse();
        assertThatThrownBy(() -> notes.save(v2)).isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("stored entity was deleted");
    }

    @Test
    void importAllWritesVersionsAndExpiryAsGivenAndLaterSavesAreCheckedAgainstThem() {
        Repository<Tally, String> tallies = polystore.repository(Tally.class);
        tallies.save(new Tally("imported-b", 1, 0));   // replaced unchecked by the import
        assertThat(tallies.importAll(List.of(new Tally("imported-a", 10, 7), new Tally("imported-b", 20, 3)))).isEqualTo(2);
        assertThat(tallies.findById("imported-a")).contains(new Tally("imported-a", 10, 7));
        assertThat(tallies.findById("imported-b")).contains(new Tally("imported-b", 20, 3));
        assertThat(tallies.save(new Tally("imported-a", 11, 7)).version()).isEqualTo(8);
        assertThatThrownBy(() -> tallies.save(new Tally("imported-b", 21, 2))).isInstanceOf(OptimisticLockException.class);
        assertThatThrownBy(() -> tallies.importAll(List.of(new Tally("imported-c", 1, 1), new Tally(null, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(tallies.existsById("imported-c")).isFalse();
        Repository<Session, String> sessions = polystore.repository(Session.class);
        Instant later = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        sessions.importAll(List.of(new Session("imported-live", "ada", later), new Session("imported-gone", "bob", Instant.now().minusSeconds(5))));
        assertThat(sessions.findById("imported-live")).contains(new Session("imported-live", "ada", later));
        assertThat(sessions.findById("imported-gone")).isEmpty();
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
        Repository<Tally, String> tallies = polystore.repository(Tally.class);
        tallies.save(new Tally("t", 0, 0));
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                conflicts.add(pool.submit(() -> {
                    int lost = 0;
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            Tally current = tallies.findById("t").orElseThrow();
                            try {
                                tallies.save(new Tally("t", current.count() + 1, current.version()));
                                break;
                            } catch (OptimisticLockException e) {
                                lost++;
                            }
                        }
                    }
                    return lost;
                }));
            }
            for (Future<Integer> f : conflicts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Tally end = tallies.findById("t").orElseThrow();
        assertThat(end.count()).as("every increment counted once").isEqualTo(threads * each);
        assertThat(end.version()).isEqualTo(threads * each + 1);
    }

    @Test
    void expiredEntitiesAreNeverReturned() throws InterruptedException {
        Repository<Session, String> sessions = polystore.repository(Session.class);
        Instant soon = Instant.now().plusMillis(1200);
        sessions.save(new Session("soon", "ada", soon));
        sessions.save(new Session("later", "ada", Instant.now().plus(Duration.ofMinutes(10))));
        sessions.save(new Session("past", "ada", Instant.now().minusSeconds(1)));
        assertThat(sessions.findById("past")).as("saved already expired").isEmpty();
        assertThat(sessions.findById("later")).isPresent();
        while (!Instant.now().isAfter(soon.plusMillis(50))) {
            Thread.sleep(100);
        }
        assertThat(sessions.findById("soon")).isEmpty();
        assertThat(sessions.existsById("soon")).isFalse();
        assertThat(sessions.findAllById(List.of("soon", "later", "past"))).extracting(Session::id).containsExactly("later");
        assertThat(sessions.deleteById("soon")).as("an expired entity was not there to delete").isFalse();
        // saved again after expiry as a new entity, with no expiry: it stays
        sessions.save(new Session("soon", "bob", null));
        assertThat(sessions.findById("soon").map(Session::user)).contains("bob");
    }

    @Test
    void batchesKeepOrderSkipMissingAndCountDeletes() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        List<Note> fresh = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fresh.add(new Note("batch-" + i, "n" + i, null, List.of("t" + (i % 3)), BigDecimal.valueOf(i, 2), null, null, 0));
        }
        List<Note> saved = notes.saveAll(fresh);
        assertThat(saved).extracting(Note::id).containsExactlyElementsOf(fresh.stream().map(Note::id).toList());
        assertThat(saved).allMatch(n -> n.version() == 1);
        List<Note> found = notes.findAllById(Arrays.asList("batch-5", "missing", "batch-1", "batch-5", "batch-199"));
        assertThat(found).extracting(Note::id).containsExactly("batch-5", "batch-1", "batch-199");
        // a stale version in a batch raises, and the others with good versions are written (no transactions here)
        List<Note> update = new ArrayList<>(List.of(new Note("batch-0", "changed", null, null, null, null, null, 1),
                new Note("batch-1", "stale", null, null, null, null, null, 7)));
        assertThatThrownBy(() -> notes.saveAll(update)).isInstanceOf(OptimisticLockException.class);
        assertThat(notes.findById("batch-1").map(Note::title)).contains("n1");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("batch-" + i);
        }
        ids.add("missing");
        assertThat(notes.deleteAllById(ids)).isEqualTo(200);
        assertThat(notes.findAllById(ids)).isEmpty();
        assertThatThrownBy(() -> notes.saveAll(List.of(new Note("neg", "x", null, null, null, null, null, -1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(notes.findById("neg")).isEmpty();
    }

    @Test
    void queriesOnAServerWithoutSqlPlusPlusFailAsStoreErrorsNamingTheStore() {
        Repository<Note, String> notes = polystore.repository(Note.class);
        assertThatThrownBy(() -> notes.find(Query.where(Criteria.eq("title", "x")))).isInstanceOf(StoreException.class)
                .hasMessageContaining("store 'cb'");
    }

    @Test
    void keyValueOperationsKeepValuesCountersAndTimesToLive() throws InterruptedException {
        io.polystore.KeyValueOperations kv = polystore.store("cb").capability(io.polystore.KeyValueOperations.class);
        kv.set("greeting", Map.of("text", "'; DROP TABLE x; -- \uD83D\uDE00", "n", 3));
        assertThat(kv.get("greeting", Map.class)).hasValueSatisfying(m -> {
            assertThat(m.get("text")).isEqualTo("'; DROP TABLE x; -- \uD83D\uDE00");
            assertThat(((Number) m.get("n")).intValue()).isEqualTo(3);
        });
        assertThat(kv.ttl("greeting")).isEmpty();
        io.polystore.KeyValueOperations bytes = kv.withCodec(io.polystore.ValueCodec.bytes());
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        bytes.set("binary", binary);
        assertThat(bytes.get("binary", byte[].class)).hasValueSatisfying(b -> assertThat(b).isEqualTo(binary));
        assertThat(kv.setIfAbsent("lock", "me", Duration.ofMinutes(5))).isTrue();
        assertThat(kv.setIfAbsent("lock", "you", Duration.ofMinutes(5))).isFalse();
        assertThat(kv.get("lock", String.class)).contains("me");
        assertThat(kv.ttl("lock")).hasValueSatisfying(t -> assertThat(t).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5)));
        assertThat(kv.increment("hits", 2)).isEqualTo(2);
        assertThat(kv.increment("hits", -5)).isEqualTo(-3);
        assertThat(kv.expire("hits", Duration.ofMinutes(1))).isTrue();
        assertThat(kv.increment("hits", 1)).isEqualTo(-2);
        assertThat(kv.ttl("hits")).as("an increment keeps the time to live").isPresent();
        assertThatThrownBy(() -> kv.increment("greeting", 1)).isInstanceOf(io.polystore.MappingException.class);
        kv.set("short", "x", Duration.ofMillis(700));
        Instant until = Instant.now().plusMillis(700);
        while (!Instant.now().isAfter(until.plusMillis(50))) {
            Thread.sleep(50);
        }
        assertThat(kv.get("short", String.class)).as("gone the moment it expires").isEmpty();
        assertThat(kv.setIfAbsent("short", "again", null)).isTrue();
        kv.setAll(Map.of("m1", 1, "m2", 2));
        assertThat(kv.getAll(List.of("m1", "missing", "m2"), Integer.class)).containsExactly(Map.entry("m1", 1), Map.entry("m2", 2));
        assertThat(kv.get("m2", Long.class)).contains(2L);
        // batches run batch-concurrency requests at a time; the answer keeps the order asked, without the missing
        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            many.put("batch/" + i + (i % 7 == 0 ? "/\uD83D\uDE00" : ""), i % 5 == 0 ? "'; DROP TABLE x; -- ${x} {}" + i : "v" + i);
        }
        kv.setAll(many);
        List<String> asked = new ArrayList<>(many.keySet());
        java.util.Collections.reverse(asked);
        asked.add(150, "batch/missing");
        Map<String, String> read = kv.getAll(asked, String.class);
        assertThat(new ArrayList<>(read.keySet())).isEqualTo(asked.stream().filter(many::containsKey).toList());
        read.forEach((k, v) -> assertThat(v).as(k).isEqualTo(many.get(k)));
        assertThat(kv.delete("m1")).isTrue();
        assertThat(kv.delete("m1")).isFalse();
        assertThatThrownBy(() -> kv.set("k".repeat(300), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes");
        // key-value keys do not collide with entities' keys
        polystore.repository(Numbered.class).save(new Numbered(777L, "entity"));
        kv.set("Numbered::777", "value");
        assertThat(polystore.repository(Numbered.class).findById(777L).map(Numbered::name)).contains("entity");
    }

    @Test
    void configurationErrorsNameTheKey() {
        assertThatThrownBy(() -> Polystore.builder().store("cb", "couchbase://127.0.0.1", mock.options()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.cb.uri").hasMessageContaining("no bucket");
        Map<String, String> noUser = new java.util.HashMap<>(mock.options());
        noUser.remove("user");
        assertThatThrownBy(() -> Polystore.builder().store("cb", mock.uri(), noUser).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.cb.options.user");
        Map<String, String> typo = new java.util.HashMap<>(mock.options());
        typo.put("colection-prefix", "x");
        assertThatThrownBy(() -> Polystore.builder().store("cb", mock.uri(), typo).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("colection-prefix");
        Map<String, String> badLayout = new java.util.HashMap<>(mock.options());
        badLayout.put("layout", "tables");
        assertThatThrownBy(() -> Polystore.builder().store("cb", mock.uri(), badLayout).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("default-collection");
        Map<String, String> wrongPassword = new java.util.HashMap<>(mock.options());
        wrongPassword.put("password", "wrong");
        wrongPassword.put("connect-timeout", "3s");
        assertThatThrownBy(() -> Polystore.builder().store("cb", mock.uri(), wrongPassword).build())
                .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class)
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aClusterTheApplicationOwnsIsSharedAndLeftOpen() {
        String hosts = mock.uri().substring("couchbase://".length(), mock.uri().lastIndexOf('/'));
        com.couchbase.client.java.Cluster cluster = com.couchbase.client.java.Cluster.connect("couchbase://" + hosts,
                com.couchbase.client.java.ClusterOptions.clusterOptions(com.couchbase.client.core.env.PasswordAuthenticator
                        .builder(CouchbaseMockServer.BUCKET, CouchbaseMockServer.PASSWORD)
                        .allowedSaslMechanisms(java.util.EnumSet.of(com.couchbase.client.core.env.SaslMechanism.PLAIN)).build()));
        try {
            Map<String, String> options = Map.of("layout", "default-collection", "schema", "none");
            try (Polystore p = Polystore.builder().store(CouchbaseStores.store("owned", cluster, CouchbaseMockServer.BUCKET, options))
                    .defaultStore("owned").build()) {
                p.repository(Numbered.class).save(new Numbered(424242L, "shared"));
                assertThat(polystore.repository(Numbered.class).findById(424242L).map(Numbered::name))
                        .as("the same bucket, through the other store").contains("shared");
            }
            // closing the store left the cluster connected
            assertThat(cluster.bucket(CouchbaseMockServer.BUCKET).defaultCollection().get("Numbered::424242").cas()).isNotZero();
            assertThatThrownBy(() -> CouchbaseStores.store("owned", cluster, CouchbaseMockServer.BUCKET,
                    Map.of("password", "x"))).isInstanceOf(ConfigurationException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> CouchbaseStores.store("owned", cluster, CouchbaseMockServer.BUCKET,
                    Map.of("timeout", "1s"))).as("the cluster's environment sets timeouts").isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("timeout");
        } finally {
            cluster.disconnect();
        }
    }

    @Test
    void aStoppedServerIsAnOutageNotAHang() {
        CouchbaseMockServer own = CouchbaseMockServer.start();
        try (Polystore p = open(own)) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.save(new Note("here", "x", null, null, null, null, null, 0));
            own.close();
            assertThatThrownBy(() -> notes.findById("here"))
                    .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class)
                    .hasMessageContaining("store 'cb'");
            assertThatThrownBy(() -> notes.save(new Note("gone", "x", null, null, null, null, null, 0)))
                    .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class);
        }
    }
}
