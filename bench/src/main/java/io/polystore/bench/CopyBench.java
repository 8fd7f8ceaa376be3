package io.polystore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.polystore.Copy;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.StoreConfig;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code polystore-bench copy}: records per second of {@link Polystore#copy} (verification off, as
 * the rate of the copy itself) against the target's own bulk path fed by the same paged reads of
 * the source: PostgreSQL {@code COPY ... FROM STDIN}, or Redis {@code SET}s pipelined on one Lettuce
 * connection. Both sides alternate for a number of rounds; medians are reported.
 */
public final class CopyBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param from    the source store's URI
     * @param to      the target store's URI (jdbc:postgresql: or redis://)
     * @param records YCSB records (10 fields of 100 bytes)
     * @param rounds  rounds of each side
     * @param batch   records per page and batch
     * @param out     where the result goes
     */
    public record Options(String from, String to, int records, int rounds, int batch, Path out) {
        /** @throws BenchException when the target has no bulk path to compare with */
        public Options {
            String scheme = StoreConfig.scheme(to);
            if (!scheme.equals("jdbc:postgresql") && !scheme.equals("redis")) {
                throw new BenchException("copy measures against the target's bulk path: COPY on jdbc:postgresql: or pipelined"
                        + " SET on redis://; not " + scheme);
            }
        }
    }

    private CopyBench() {
    }

    private static Map<String, String> options(String uri) {
        String scheme = StoreConfig.scheme(uri);
        if (scheme.startsWith("jdbc:")) {
            return Map.of("table-prefix", "copybench_", "schema", "create");
        }
        return scheme.startsWith("redis") ? Map.of("key-prefix", "copybench") : Map.of();
    }

    /**
     * @param o   the options
     * @param out where the report goes
     * @param err where progress goes
     * @return the result file
     * @throws Exception when a store fails
     */
    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        try (Polystore p = Polystore.builder().store("from", o.from(), options(o.from())).store("to", o.to(), options(o.to())).build()) {
            EntityModel<BenchRecord> model = EntityModel.of(BenchRecord.class);
            Repository<BenchRecord, String> source = p.store("from").repository(model);
            Repository<BenchRecord, String> target = p.store("to").repository(model);
            long t0 = System.nanoTime();
            source.deleteAll();
            Random random = new Random(42);
            List<BenchRecord> batch = new ArrayList<>();
            for (int i = 0; i < o.records(); i++) {
                String[] f = new String[10];
                for (int k = 0; k < 10; k++) {
                    f[k] = text(random, 100);
                }
                batch.add(BenchRecord.of("user" + i, f));
                if (batch.size() == 5_000) {
                    source.saveAll(batch);
                    batch.clear();
                }
            }
            source.saveAll(batch);
            err.printf(Locale.ROOT, "loaded %d records into the source in %.1f s%n", o.records(), (System.nanoTime() - t0) / 1e9);
            Ceiling ceiling = StoreConfig.scheme(o.to()).equals("redis") ? new RedisCeiling(o.to()) : new PostgresCeiling(o.to());
            List<Double> api = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            try {
                for (int r = 0; r < o.rounds(); r++) {
                    for (int side = 0; side < 2; side++) {
                        boolean apiSide = (side == 0) == (r % 2 == 0);
                        if (apiSide) {
                            target.deleteAll();
                            ceiling.vacuum();   // the target as empty as the ceiling's truncated table, not full of deleted rows
                            long s = System.nanoTime();
                            Copy.Report rep = p.copy(BenchRecord.class, "from", "to", Copy.Options.defaults().batchSize(o.batch()).verify(false));
                            double secs = (System.nanoTime() - s) / 1e9;
                            check(rep.copied(), o.records());
                            api.add(o.records() / secs);
                            err.printf(Locale.ROOT, "round %d api:     %,.0f records/s%n", r + 1, o.records() / secs);
                        } else {
                            ceiling.clear();
                            long s = System.nanoTime();
                            long n = ceiling.copy(source, o.batch());
                            double secs = (System.nanoTime() - s) / 1e9;
                            check(n, o.records());
                            raw.add(o.records() / secs);
                            err.printf(Locale.ROOT, "round %d ceiling: %,.0f records/s%n", r + 1, o.records() / secs);
                        }
                    }
                }
                // the copy is right, not only fast: a verified run at the end (the ceiling's copy removed first)
                ceiling.clear();
                target.deleteAll();
                Copy.Report verified = p.copy(BenchRecord.class, "from", "to", Copy.Options.defaults().batchSize(o.batch()));
                if (!verified.verified()) {
                    throw new IllegalStateException("the verified copy differs");
                }
            } finally {
                ceiling.clear();
                ceiling.close();
                target.deleteAll();
                source.deleteAll();
            }
            double apiMedian = median(api);
            double rawMedian = median(raw);
            out.printf(Locale.ROOT, "copy %s -> %s, %d records, batch %d, %d rounds%n", o.from(), o.to(), o.records(), o.batch(), o.rounds());
            out.printf(Locale.ROOT, "  api (Polystore.copy, unverified): median %,.0f records/s %s%n", apiMedian, api);
            out.printf(Locale.ROOT, "  ceiling (%s):  median %,.0f records/s %s%n", ceiling.name(), rawMedian, raw);
            out.printf(Locale.ROOT, "  api/ceiling: %.2f%n", apiMedian / rawMedian);
            Files.createDirectories(o.out());
            Path file = o.out().resolve("copy-" + StoreConfig.scheme(o.from()).replace(':', '_') + "-to-"
                    + StoreConfig.scheme(o.to()).replace(':', '_') + ".json");
            Files.writeString(file, String.format(Locale.ROOT, "{\"command\": \"copy\", \"from\": %s, \"to\": %s, \"records\": %d, "
                            + "\"batch\": %d, \"apiRecordsPerSecond\": %s, \"ceilingRecordsPerSecond\": %s, \"ceiling\": %s, "
                            + "\"apiMedian\": %.0f, \"ceilingMedian\": %.0f, \"ratio\": %.3f}%n",
                    JSON.writeValueAsString(o.from()), JSON.writeValueAsString(o.to()), o.records(), o.batch(), api, raw,
                    JSON.writeValueAsString(ceiling.name()), apiMedian, rawMedian, apiMedian / rawMedian));
            return file;
        }
    }

    private static void check(long copied, int expected) {
        if (copied != expected) {
            throw new IllegalStateException("copied " + copied + " records, expected " + expected);
        }
    }

    private static String text(Random random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(c);
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The target's own bulk path, fed by the same paged reads of the source. */
    private interface Ceiling extends AutoCloseable {
        String name();

        void clear() throws Exception;

        /** Makes the API's emptied target table as fresh as the ceiling's (PostgreSQL: VACUUM); nothing elsewhere. */
        default void vacuum() throws Exception {
        }

        long copy(Repository<BenchRecord, String> source, int batch) throws Exception;
    }

    /** Reads every record in pages, as the copy does, and hands each page on. */
    private interface PageSink {
        void accept(List<BenchRecord> page) throws Exception;
    }

    private static long pages(Repository<BenchRecord, String> source, int batch, PageSink sink) throws Exception {
        Query all = Query.all().limit(batch);
        Query q = all;
        long n = 0;
        while (true) {
            Page<BenchRecord> page = source.find(q);
            sink.accept(page.content());
            n += page.content().size();
            if (page.next().isEmpty()) {
                return n;
            }
            q = all.after(page.next().get());
        }
    }

    private static final class PostgresCeiling implements Ceiling {
        private final Connection c;

        PostgresCeiling(String url) throws Exception {
            c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS copybench_ceiling (id text PRIMARY KEY, field0 text, field1 text, field2 text,"
                        + " field3 text, field4 text, field5 text, field6 text, field7 text, field8 text, field9 text)");
            }
        }

        @Override
        public String name() {
            return "PostgreSQL COPY FROM STDIN";
        }

        @Override
        public void vacuum() throws Exception {
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM copybench_usertable");
            }
        }

        @Override
        public void clear() throws Exception {
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE copybench_ceiling");
            }
        }

        @Override
        public long copy(Repository<BenchRecord, String> source, int batch) throws Exception {
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY copybench_ceiling FROM STDIN WITH (FORMAT text)");
            try {
                long n = pages(source, batch, page -> {
                    StringBuilder b = new StringBuilder(page.size() * 1_120);
                    for (BenchRecord r : page) {
                        b.append(r.id());
                        for (String f : r.fields()) {
                            b.append('\t').append(f);   // the generated text holds no tab, newline or backslash
                        }
                        b.append('\n');
                    }
                    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                });
                in.endCopy();
                return n;
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        }

        @Override
        public void close() throws Exception {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS copybench_ceiling");
            }
            c.close();
        }
    }

    private static final class RedisCeiling implements Ceiling {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> c;

        RedisCeiling(String uri) {
            client = RedisClient.create(uri);
            c = client.connect();
        }

        @Override
        public String name() {
            return "Redis SET pipelined on one Lettuce connection";
        }

        @Override
        public void clear() {
            List<String> keys = c.sync().keys("copybench-ceiling:*");
            for (int i = 0; i < keys.size(); i += 1000) {
                c.sync().unlink(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
            }
        }

        @Override
        public long copy(Repository<BenchRecord, String> source, int batch) throws Exception {
            RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            try {
                return pages(source, batch, page -> {
                    List<RedisFuture<?>> futures = new ArrayList<>(page.size());
                    for (BenchRecord r : page) {
                        futures.add(async.set("copybench-ceiling:" + r.id(), JSON.writeValueAsString(r)));
                    }
                    c.flushCommands();
                    if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), futures.toArray(RedisFuture[]::new))) {
                        throw new IllegalStateException("pipelined SETs did not finish in 30 s");
                    }
                });
            } finally {
                c.setAutoFlushCommands(true);
            }
        }

        @Override
        public void close() {
            c.close();
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
