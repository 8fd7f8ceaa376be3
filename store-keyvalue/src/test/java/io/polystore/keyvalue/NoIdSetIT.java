package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code id-set=false}: plain types are bare SETs, and count, queries and deletes find them by SCAN. */
class NoIdSetIT {
    record Note(@Id String id, String text) {
    }

    @Test
    void plainEntitiesAreBareStringsFoundByScan() throws Exception {
        String url = TestServers.redisUrl();
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "no-id-set", "id-set", "false")).build()) {
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
        // the same with the default keeps the id set: the check above looks at the right key
        try (Polystore p = Polystore.builder().store("kv", url, Map.of("key-prefix", "with-id-set")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.save(new Note("a", "one"));
            assertThat(exists(url, "{with-id-set:Note}:all")).isTrue();
            notes.deleteAll();
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
