package io.polystore.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.spi.StoreConfig;
import org.HdrHistogram.Histogram;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code polystore-bench top}: the first page of a large type in the order of an indexed number,
 * {@code find(Query.all().orderBy(Sort.desc("rank")).limit(20))}, through the API and by hand over
 * the same data (Redis: ZREVRANGE of the API's own sorted set, then MGET of the 20 documents;
 * Neo4j: {@code MATCH ... RETURN n._doc ORDER BY n.rank DESC LIMIT 20}; each document decoded to
 * the record with Jackson), alternating rounds.
 * Every answer is checked: 20 entities in descending rank, the same ids on both sides.
 */
public final class TopQueryBench {
    /** The benchmarked type: a rank to sort by and a payload of ordinary size. */
    public record Ranked(@Id String id, @Indexed long rank, String payload) {
    }

    public record Options(String store, int records, int queries, int rounds, Path out) {
        /** @throws BenchException for a store without a hand-written query to compare with */
        public Options {
            String scheme = StoreConfig.scheme(store);
            if (!scheme.startsWith("redis") && !Neo4jTarget.supports(store) && !scheme.equals("neo4j-embedded")) {
                throw new BenchException("top compares the API with a hand-written query on Redis and Neo4j; not on " + scheme);
            }
        }
    }

    private TopQueryBench() {
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        boolean redis = StoreConfig.scheme(o.store()).startsWith("redis");
        try (Neo4jServer server = redis ? null : Neo4jServer.of(o.store())) {
            String uri = redis ? o.store() : server.uri();
            Map<String, String> options = redis ? Map.of("key-prefix", "benchtop") : Map.of("label-prefix", "BenchTop_", "timeout", "300s");
            try (Polystore polystore = Polystore.builder().store("bench", uri, options).build()) {
                Repository<Ranked, String> repo = polystore.repository(Ranked.class);
                long t0 = System.nanoTime();
                repo.deleteAll();
                Random random = new Random(42);
                String payload = "x".repeat(200);
                List<Ranked> batch = new ArrayList<>();
                for (int i = 0; i < o.records(); i++) {
                    batch.add(new Ranked("r" + i, random.nextInt(Integer.MAX_VALUE), payload));
                    if (batch.size() == 10_000) {
                        repo.saveAll(batch);
                        batch.clear();
                    }
                }
                repo.saveAll(batch);
                err.printf("loaded %d records in %.1f s%n", o.records(), (System.nanoTime() - t0) / 1e9);
                Query top = Query.all().orderBy(Sort.desc("rank")).limit(20);
                Supplier<List<String>> api = () -> repo.find(top).content().stream().map(Ranked::id).toList();
                AutoCloseable[] closeRaw = new AutoCloseable[1];
                Supplier<List<String>> raw = redis ? rawRedis(uri, closeRaw) : rawNeo4j(uri, closeRaw);
                try {
                    List<String> expected = api.get();
                    if (expected.size() != 20 || !expected.equals(raw.get())) {
                        throw new BenchException("api and raw disagree on the top 20: " + expected + " vs " + raw.get());
                    }
                    Map<String, List<double[]>> samples = new LinkedHashMap<>();
                    samples.put("api", new ArrayList<>());
                    samples.put("raw", new ArrayList<>());
                    measure(api, expected, Math.max(10, o.queries() / 5));
                    measure(raw, expected, Math.max(10, o.queries() / 5));
                    for (int r = 0; r < o.rounds(); r++) {
                        boolean apiFirst = r % 2 == 0;
                        samples.get(apiFirst ? "api" : "raw").add(measure(apiFirst ? api : raw, expected, o.queries()));
                        samples.get(apiFirst ? "raw" : "api").add(measure(apiFirst ? raw : api, expected, o.queries()));
                    }
                    return report(o, out, samples);
                } finally {
                    closeRaw[0].close();
                    repo.deleteAll(); // a shared Redis or Neo4j gets its space back
                }
            }
        }
    }

    private static Supplier<List<String>> rawRedis(String uri, AutoCloseable[] close) {
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> c = client.connect();
        close[0] = () -> {
            c.close();
            client.shutdown();
        };
        String base = "{benchtop:Ranked}:";
        return () -> {
            List<String> ids = c.sync().zrevrange(base + "n:rank", 0, 19);
            String[] keys = ids.stream().map(id -> base + "e:" + id).toArray(String[]::new);
            List<String> out = new ArrayList<>(ids.size());
            for (var kv : c.sync().mget(keys)) {
                out.add(decode(kv.getValue()).id()); // a developer reads the entity, not a substring
            }
            return out;
        };
    }

    private static Supplier<List<String>> rawNeo4j(String uri, AutoCloseable[] close) {
        Driver driver = GraphDatabase.driver(uri, AuthTokens.none());
        close[0] = driver;
        String cypher = "MATCH (n:BenchTop_Ranked) WHERE n._doc IS NOT NULL RETURN n._id AS id, n._doc AS doc "
                + "ORDER BY n.rank DESC, n._id LIMIT 20";
        return () -> {
            try (Session s = driver.session()) {
                return s.executeRead(tx -> tx.run(cypher).list(r -> decode(r.get("doc").asString()).id()));
            }
        };
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The hand-written side decodes each JSON document to the record with Jackson, as the API does. */
    private static Ranked decode(String json) {
        try {
            return JSON.readValue(json, Ranked.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not a Ranked document: " + json, e);
        }
    }

    /** @return {queries/s, p50 µs, p99 µs} */
    private static double[] measure(Supplier<List<String>> target, List<String> expected, int n) {
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(600), 3);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            List<String> got = target.get();
            h.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t)));
            if (!got.equals(expected)) {
                throw new BenchException("a wrong answer: " + got + " instead of " + expected);
            }
        }
        return new double[] {n / ((System.nanoTime() - start) / 1e9), h.getValueAtPercentile(50), h.getValueAtPercentile(99)};
    }

    private static Path report(Options o, PrintStream out, Map<String, List<double[]>> samples) throws Exception {
        out.printf("top 20 by an indexed number over %d records on %s, %d queries x %d rounds%n", o.records(),
                o.store(), o.queries(), o.rounds());
        out.printf("%-4s %12s %12s %12s%n", "", "queries/s", "p50 µs", "p99 µs");
        StringBuilder json = new StringBuilder("{\n  \"command\": \"top\",\n  \"store\": \"" + o.store() + "\",\n  \"records\": "
                + o.records() + ",\n  \"time\": \"" + Instant.now() + "\"");
        for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
            double qps = Args.median(e.getValue().stream().map(s -> s[0]).toList());
            double p50 = Args.median(e.getValue().stream().map(s -> s[1]).toList());
            double p99 = Args.median(e.getValue().stream().map(s -> s[2]).toList());
            out.printf("%-4s %12.1f %12.0f %12.0f%n", e.getKey(), qps, p50, p99);
            json.append(String.format(Locale.ROOT, ",%n  \"%s\": {\"medianQps\": %.2f, \"medianP50Micros\": %.0f, \"medianP99Micros\": %.0f}",
                    e.getKey(), qps, p50, p99));
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < o.rounds(); i++) {
            ratios.add(samples.get("api").get(i)[0] / samples.get("raw").get(i)[0]);
        }
        double ratio = Args.median(ratios);
        out.printf("api/raw throughput: %.3f (median of the per-round ratios)%n", ratio);
        json.append(String.format(Locale.ROOT, ",%n  \"apiToRaw\": %.4f%n}%n", ratio));
        Files.createDirectories(o.out());
        Path file = o.out().resolve("top-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }
}
