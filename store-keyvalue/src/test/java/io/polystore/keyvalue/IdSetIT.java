package io.polystore.keyvalue;

import io.polystore.IndexMaintenance;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code id-set} option: by default plain types are bare SETs, and count, queries and deletes find
 * them by SCAN; with {@code true} they keep an id set, and a repair lists what was saved without one.
 */
class IdSetIT {
    record Note(@Id String id, String text) {
    }

    /** The same stored name as {@link Note}, with an index: what Note becomes in a later release. */
    @Entity("Note")
    record Tagged(@Id String id, @Indexed String text) {
    }

    @Test
    void plainEntitiesAreBareStringsFoundByScan() throws Exception {
        String url = TestServers.redisUrl();
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "no-id-set")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.deleteAll();
            notes.saveAll(List.of(new Note("b", "two"), new Note("a", "one"), new Note("c", "three")));
            notes.save(new Note("d", "four ' \"quoted\" {} $ \uD83D\uDE00"));
            assertThat(notes.count()).isEqualTo(4);
            assertThat(notes.find(Query.all().orderBy(Sort.asc("id"))).content()).extracting(Note::id)
                    .containsExactly("a", "b", "c", "d");
            assertThat(notes.findById("d")).map(Note::text).contains("four ' \"quoted\" {} $ \uD83D\uDE00");
            assertThat(notes.deleteById("a")).isTrue();
            assertThat(notes.deleteById("a")).isFalse();
            assertThat(notes.deleteAllById(List.of("b", "zz"))).isEqualTo(1);
            assertThat(notes.count()).isEqualTo(2);
            assertThat(exists(url, "{no-id-set:Note}:all")).as("no id set is kept").isFalse();
            assertThat(notes.deleteAll()).isEqualTo(2);
            assertThat(notes.count()).isZero();
        }
        // the same with id-set=true keeps the id set: the check above looks at the right key
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "with-id-set", "id-set", "true")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.save(new Note("a", "one"));
            assertThat(exists(url, "{with-id-set:Note}:all")).isTrue();
            notes.deleteAll();
        }
    }

    @Test
    void turningTheIdSetOnListsEarlierEntitiesOnRepair() throws Exception {
        String url = TestServers.redisUrl();
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "id-set-later")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.deleteAll();
            notes.saveAll(List.of(new Note("a", "one"), new Note("b", "two")));
        }
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "id-set-later", "id-set", "true")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.save(new Note("c", "three"));
            assertThat(notes.count()).as("the id set lists only what was saved with it").isEqualTo(1);
            IndexMaintenance maintenance = p.store("kv").capability(IndexMaintenance.class);
            IndexMaintenance.Report found = maintenance.verifyIndexes(Note.class, false);
            assertThat(found.missing()).isEqualTo(2);
            assertThat(found.entities()).isEqualTo(3);
            assertThat(found.repaired()).isFalse();
            assertThat(maintenance.verifyIndexes(Note.class, true).repaired()).isTrue();
            assertThat(maintenance.verifyIndexes(Note.class, false).clean()).isTrue();
            assertThat(notes.count()).isEqualTo(3);
            assertThat(notes.findById("a")).map(Note::text).contains("one");
            assertThat(notes.deleteAll()).isEqualTo(3);
        }
    }

    @Test
    void anIndexAddedLaterIsBuiltByRepairForEntitiesSavedBeforeIt() {
        String url = TestServers.redisUrl();
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "index-later")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.deleteAll();
            notes.saveAll(List.of(new Note("a", "red"), new Note("b", "blue")));
        }
        // the same key prefix and stored name, now with an @Indexed field: the old entities are unlisted
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "index-later")).build()) {
            Repository<Tagged, String> tagged = p.repository(Tagged.class);
            IndexMaintenance maintenance = p.store("kv").capability(IndexMaintenance.class);
            assertThat(maintenance.verifyIndexes(Tagged.class, true).missing()).isGreaterThanOrEqualTo(2);
            assertThat(tagged.count()).isEqualTo(2);
            assertThat(tagged.find(Query.where(io.polystore.query.Criteria.eq("text", "red"))).content())
                    .extracting(Tagged::id).containsExactly("a");
            assertThat(maintenance.verifyIndexes(Tagged.class, false).clean()).isTrue();
            assertThat(tagged.deleteAll()).isEqualTo(2);
        }
    }

    /** EXISTS in RESP by hand, so that the check does not go through the code under test. */
    private static boolean exists(String url, String key) throws Exception {
        URI u = URI.create(url);
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort())) {
            byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String cmd = "*2\r\n$6\r\nEXISTS\r\n$" + k.length + "\r\n" + key + "\r\n";
            s.getOutputStream().write(cmd.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] reply = new byte[4];
            int n = s.getInputStream().read(reply);
            return new String(reply, 0, n, java.nio.charset.StandardCharsets.UTF_8).startsWith(":1");
        }
    }
}
