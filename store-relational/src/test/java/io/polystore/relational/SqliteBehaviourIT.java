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
            // an SQLITE_BUSY or lock conflict would surface from a thread
            onEightThreads(120, thread -> {
                for (int i = 0; i < 100; i++) {
                    notes.save(new Note(thread + "-" + i, "note"));
                    tx.runInTransaction(() -> {
                        Tally current = tallies.findById("t").orElseThrow();
                        tallies.save(new Tally("t", current.version(), current.count() + 1));
                    });
                    assertThat(notes.existsById(thread + "-" + i)).isTrue();
                }
            });
            assertThat(notes.count()).isEqualTo(800);
            assertThat(tallies.findById("t").orElseThrow().count()).isEqualTo(800);
        }
    }

    /**
     * Writers borrow a connection before they queue for the writer lock, and a transaction holds
     * the lock with its connection already in hand: with two connections for eight threads mixing
     * single writes, deletes, batches and transactions, nobody may wait for the pool while holding
     * the lock (that would stall until the connection timeout and fail).
     */
    @Test
    void writersAndTransactionsShareASmallPoolWithoutStallingOrBusy() throws Exception {
        try (Polystore ps = Polystore.builder().store("db", url(), Map.of("pool-size", "2", "connection-timeout", "60s")).build()) {
            Repository<Note, String> notes = ps.repository(Note.class);
            Repository<Tally, String> tallies = ps.repository(Tally.class);
            Transactional tx = notes.capability(Transactional.class);
            tallies.save(new Tally("small", 0, 0));
            // a stall would end in the pool's connection timeout, surfacing from a thread
            onEightThreads(300, thread -> {
                for (int i = 0; i < 60; i++) {
                    String id = "small-" + thread + "-" + i;
                    switch (i % 4) {
                        case 0 -> notes.save(new Note(id, "single"));
                        case 1 -> notes.saveAll(List.of(new Note(id, "batch"), new Note(id + "-gone", "batch")));
                        case 2 -> tx.runInTransaction(() -> {
                            Tally current = tallies.findById("small").orElseThrow();
                            tallies.save(new Tally("small", current.version(), current.count() + 1));
                            notes.save(new Note(id, "in a transaction"));
                        });
                        default -> {
                            notes.save(new Note(id, "single"));
                            assertThat(notes.deleteById("small-" + thread + "-" + (i - 2) + "-gone")).isTrue();
                        }
                    }
                    assertThat(notes.findById(id)).isPresent();
                }
            });
            assertThat(notes.count()).isEqualTo(8 * 60);
            assertThat(tallies.findById("small").orElseThrow().count()).isEqualTo(8 * 15);
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

    /**
     * The log is copied into the database file by the store's checkpoint thread, well before
     * SQLite's own checkpoint (which the pooled connections keep only as a backstop at 10 000
     * pages) would run: 8 MB written one row at a time must reach the database file itself.
     */
    @Test
    void writesReachTheDatabaseFileThroughTheCheckpointThreadAndItStopsOnClose() throws Exception {
        Path db = TestServers.sqliteFile("checkpoint.db");
        String big = "x".repeat(4000);
        try (Polystore ps = Polystore.builder().store("ckpt", "jdbc:sqlite:" + db).build()) {
            Repository<Note, String> notes = ps.repository(Note.class);
            for (int i = 0; i < 2000; i++) {
                notes.save(new Note("n" + i, big + i));
            }
            assertThat(checkpointThreads("ckpt")).isEqualTo(1);
            // the thread runs at least once a second while there were writes; the bound only ends a broken run
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.size(db) < 8_000_000L && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.size(db)).as("database file size after 8 MB of writes").isGreaterThanOrEqualTo(8_000_000L);
            assertThat(notes.findById("n1999").orElseThrow().text()).isEqualTo(big + 1999);
        }
        assertThat(checkpointThreads("ckpt")).isZero();
    }

    /** What one of eight threads does, given its number. */
    private interface ThreadWork {
        void run(int thread) throws Exception;
    }

    /** Runs the work on eight threads at once and rethrows the first failure; the bound only ends a hung run. */
    private static void onEightThreads(long timeoutSeconds, ThreadWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    work.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(timeoutSeconds, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static long checkpointThreads(String store) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("polystore-" + store + "-wal-checkpoint")).count();
    }

    @Test
    void anInMemoryDatabaseIsRefusedWithAReason() {
        assertThatThrownBy(() -> Polystore.builder().store("db", "jdbc:sqlite::memory:").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("in-memory").hasMessageContaining("mem:");
    }
}
