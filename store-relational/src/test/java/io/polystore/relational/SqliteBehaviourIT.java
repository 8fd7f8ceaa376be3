package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.Transactional;
import io.polystore.annotation.Id;
import io.polystore.annotation.Version;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteBehaviourIT extends RelationalBehaviourSuite {
    private final Path file = TestServers.sqliteFile("behaviour.db");

    @Override
    protected String url() {
        return "jdbc:sqlite:" + file;
    }

    record Note(@Id String id, String text) {
    }

    record Tally(@Id String id, @Version long version, long count) {
    }

    @Test
    void eightConcurrentWritersLoseNothingAndNeverSeeBusy() throws Exception {
        try (Polystore ps = Polystore.builder().store("db", url(), Map.of("pool-size", "8")).build()) {
            Repository<Note, String> notes = ps.repository(Note.class);
            Repository<Tally, String> tallies = ps.repository(Tally.class);
            Transactional tx = notes.capability(Transactional.class);
            tallies.save(new Tally("t", 0, 0));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        notes.save(new Note(thread + "-" + i, "note"));
                        tx.runInTransaction(() -> {
                            Tally current = tallies.findById("t").orElseThrow();
                            tallies.save(new Tally("t", current.version(), current.count() + 1));
                        });
                        assertThat(notes.existsById(thread + "-" + i)).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS); // an SQLITE_BUSY or lock conflict would surface here
            }
            pool.shutdown();
            assertThat(notes.count()).isEqualTo(800);
            assertThat(tallies.findById("t").orElseThrow().count()).isEqualTo(800);
        }
    }

    @Test
    void theDatabaseRunsInWalModeAndItsDirectoryIsCreated() throws Exception {
        Path nested = file.getParent().resolve("a/b/c.db");
        try (Polystore ps = Polystore.builder().store("db", "jdbc:sqlite:" + nested).build()) {
            ps.repository(Note.class).save(new Note("x", "y"));
        }
        assertThat(Files.exists(nested)).isTrue();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + nested);
             var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void anInMemoryDatabaseIsRefusedWithAReason() {
        assertThatThrownBy(() -> Polystore.builder().store("db", "jdbc:sqlite::memory:").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("in-memory").hasMessageContaining("mem:");
    }
}
