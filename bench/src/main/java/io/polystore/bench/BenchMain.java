package io.polystore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.polystore.StoreException;
import io.polystore.mapping.Mapping;
import io.polystore.spi.Redaction;
import io.polystore.spi.StoreConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code polystore-bench} command line.
 * <pre>
 * java -jar bench/target/polystore-bench.jar run --store jdbc:postgresql://127.0.0.1/test?user=postgres \
 *      --workload c --compare api,raw --threads 8 -p duration=20s
 * </pre>
 * Exit codes: 0 done, 1 the run failed, 2 bad usage (the message says what to change).
 */
public final class BenchMain {
    static final String USAGE = """
            usage: polystore-bench run [options]
                   polystore-bench compare BEFORE.json AFTER.json   (the change of every median)
                   polystore-bench pages [--redis URI] [--connections 32] [--duration 10] [--rounds 5] [--no-nginx]
                                         [--targets plain,l1,core,l2,miss,nginx] [--page-bytes 8192]
                                  (the page cache under wrk: no filter, L1 hit, L2 hit, 10 ms miss, nginx static file)
                   polystore-bench sessions --store redis://... [--compare api,raw] [--threads 8] [--duration 10]
                                            [--warmup 5] [--rounds 3] [--ttl 3] [--users 10000] [-o client=jedis]
                                  (TTL-heavy sessions: login, lookup, touch, logout; expiry checked; index drift after)
                   polystore-bench graph --store neo4j-embedded:|bolt://...|mem: [--compare api,raw] [--users 10000]
                                         [--follows 20] [--threads 8] [--duration 10] [--warmup 5] [--rounds 3]
                                  (a zipfian social graph: friends, friends of friends, shortest paths; api vs Cypher by hand)
                   polystore-bench http (--url http://host:port/path/{n} | --self [--redis URI] [--l1-bytes N] [--render-ms 5])
                                        [--urls 10000] [--distribution zipfian] [--threads 32] [--duration 30] [--warmup 5]
                                  (GETs over a URL set against a running app: hit ratio and latency per tier, by X-Cache)
                   polystore-bench purge-propagation --redis URI [--purges 200]
                                  (a purge on this JVM until a second JVM stops serving the page from memory: p50/p99)
                   polystore-bench top --store redis://...|neo4j-embedded:|bolt://... [--records 100000] [--queries 200]
                                  (the first 20 by an @Indexed number: api against a hand-written query, same data)
                   polystore-bench copy --from URI --to jdbc:postgresql:...|redis://... [--records 100000] [--rounds 3] [--batch 1000]
                                  (Polystore.copy against the target's bulk path: COPY FROM STDIN or pipelined SET)
                   polystore-bench revalidation [--page-bytes 102400] [--requests 2000] [--rounds 5]
                                  (a stale page through the proxy: the origin's 304 against a full refetch)
              --store URI         store to benchmark (default mem:); jdbc:sqlite:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:,
                                  redis:// (-o client=jedis|lettuce picks the client of both api and raw; jedis by default), bolt://, neo4j://,
                                  couchdb://host:5984/prefix_ (raw: hand-written HTTP with the JDK's HttpClient),
                                  neo4j-embedded:[dir] (the bench starts it; api and raw share it)
              --workload NAME     a, b, c, d, e, f (YCSB core), w (write-only), q (queries by content), qi (q with
                                  the field indexed on both sides), or a properties file (default a)
              --compare LIST      targets, in the order they alternate: api, raw or api,raw (default api); on Redis also
                                  raw-jedis and raw-lettuce, to compare the API with both clients in one run
              --threads N         client threads (YCSB threadcount)
              --target OPS        target operations per second (latency then also corrected for coordinated omission)
              -p KEY=VALUE        workload property (recordcount, operationcount, duration, warmup, rounds, ...)
              -o KEY=VALUE        store option (pool-size, ...)
              --out DIR           where the JSON, CSV and HTML results go (default bench-results)
            """;

    private BenchMain() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     * @param out  where the report goes
     * @param err  where progress and errors go
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length > 0 && args[0].equals("compare")) {
                if (args.length != 3) {
                    throw new BenchException("compare takes two result files: compare BEFORE.json AFTER.json");
                }
                Compare.print(Compare.read(Path.of(args[1])), Compare.read(Path.of(args[2])), out);
                return 0;
            }
            if (args.length > 0 && args[0].equals("http")) {
                io.polystore.bench.pages.HttpWorkload.Options o = io.polystore.bench.pages.HttpWorkload.parse(args);
                return command("http workload", out, err, () -> io.polystore.bench.pages.HttpWorkload.run(o, out, err));
            }
            if (args.length > 0 && args[0].equals("sessions")) {
                io.polystore.bench.sessions.SessionWorkload.Options o = io.polystore.bench.sessions.SessionWorkload.parse(args);
                return command("sessions workload", out, err,
                        () -> io.polystore.bench.sessions.SessionWorkload.run(o, out, err));
            }
            if (args.length > 0 && args[0].equals("graph")) {
                io.polystore.bench.graph.GraphWorkload.Options o = io.polystore.bench.graph.GraphWorkload.parse(args);
                return command("graph workload", out, err, () -> io.polystore.bench.graph.GraphWorkload.run(o, out, err));
            }
            if (args.length > 0 && (args[0].equals("purge-propagation") || args[0].equals("revalidation"))) {
                io.polystore.bench.pages.CacheProtocolBench.Options o = io.polystore.bench.pages.CacheProtocolBench.parse(args);
                return command(args[0] + " benchmark", out, err,
                        () -> io.polystore.bench.pages.CacheProtocolBench.run(o, out, err));
            }
            if (args.length > 0 && args[0].equals("copy")) {
                CopyBench.Options o = CopyBench.parse(args);
                return command("copy benchmark", out, err, () -> CopyBench.run(o, out, err));
            }
            if (args.length > 0 && args[0].equals("top")) {
                TopQueryBench.Options o = TopQueryBench.parse(args);
                return command("top query benchmark", out, err, () -> TopQueryBench.run(o, out, err));
            }
            if (args.length > 0 && args[0].equals("pages")) {
                io.polystore.bench.pages.PageCacheBench.Options o = io.polystore.bench.pages.PageCacheBench.parse(args);
                return command("pages benchmark", out, err, () -> io.polystore.bench.pages.PageCacheBench.run(o, out, err));
            }
            Options options = Options.parse(args);
            Run run = new Run(options, out, err);
            Path file = run.execute();
            out.println("result: " + file);
            return 0;
        } catch (BenchException | StoreException e) {
            boolean usage = e instanceof BenchException || e instanceof io.polystore.ConfigurationException;
            err.println("polystore-bench: " + e.getMessage());
            if (e instanceof BenchException) {
                err.print(USAGE);
            }
            return usage ? 2 : 1;
        }
    }

    /** Runs a command that writes a result file; a usage error goes on to the caller (exit code 2). */
    private static int command(String name, PrintStream out, PrintStream err, java.util.concurrent.Callable<Path> body) {
        try {
            out.println("result: " + body.call());
            return 0;
        } catch (BenchException e) {
            throw e;
        } catch (Exception e) {
            err.println("polystore-bench: the " + name + " failed: " + e);
            return 1;
        }
    }

    /** Parsed command-line options. */
    record Options(String store, String workload, List<String> targets, Map<String, String> properties,
                   Map<String, String> storeOptions, Path out) {

        static Options parse(String[] args) {
            if (args.length == 0 || !args[0].equals("run")) {
                throw new BenchException(args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
            }
            String store = "mem:";
            String workload = "a";
            List<String> targets = List.of("api");
            Map<String, String> props = new LinkedHashMap<>();
            Map<String, String> storeOptions = new LinkedHashMap<>();
            Path out = Path.of("bench-results");
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--store" -> store = need(a, value);
                    case "--workload" -> workload = need(a, value);
                    case "--compare" -> targets = List.of(need(a, value).toLowerCase(Locale.ROOT).split(","));
                    case "--threads" -> props.put("threadcount", need(a, value));
                    case "--target" -> props.put("target", need(a, value));
                    case "--out" -> out = Path.of(need(a, value));
                    case "-p" -> keyValue(a, need(a, value), props);
                    case "-o" -> keyValue(a, need(a, value), storeOptions);
                    default -> throw new BenchException("unknown option '" + a + "'");
                }
                i++;
            }
            for (String t : targets) {
                if (!t.equals("api") && !t.equals("raw") && !t.equals("raw-jedis") && !t.equals("raw-lettuce")) {
                    throw new BenchException("--compare takes api, raw or api,raw (on Redis also raw-jedis, raw-lettuce), not '"
                            + t + "'");
                }
            }
            return new Options(store, workload, targets, props, storeOptions, out);
        }

        private static String need(String option, String value) {
            if (value == null) {
                throw new BenchException(option + " needs a value");
            }
            return value;
        }

        private static void keyValue(String option, String kv, Map<String, String> into) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new BenchException(option + " takes KEY=VALUE, not '" + kv + "'");
            }
            into.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
    }

    /** One invocation. */
    private static final class Run {
        private final Options options;
        private final PrintStream out;
        private final PrintStream err;

        Run(Options options, PrintStream out, PrintStream err) {
            this.options = options;
            this.out = out;
            this.err = err;
        }

        Path execute() {
            Workload w = Workload.load(options.workload(), options.properties());
            try (Neo4jServer neo4j = Neo4jServer.embedded(options.store()) ? Neo4jServer.of(options.store()) : null) {
                return execute(w, neo4j == null ? options.store() : neo4j.uri());
            }
        }

        /** @param uri the store's URI, or the Bolt address of the embedded Neo4j the bench started */
        private Path execute(Workload w, String uri) {
            String scheme = StoreConfig.scheme(options.store());
            boolean jdbc = scheme.startsWith("jdbc:");
            boolean redis = RedisTarget.supports(options.store());
            boolean neo4j = Neo4jTarget.supports(uri);
            boolean couchdb = CouchDbTarget.supports(options.store());
            if (options.targets().contains("raw") && !JdbcTarget.supports(options.store()) && !redis && !neo4j && !couchdb) {
                throw new BenchException("no raw-driver baseline for '" + scheme + "' stores yet; use --compare api");
            }
            if (!redis && options.targets().stream().anyMatch(t -> t.startsWith("raw-"))) {
                throw new BenchException("raw-jedis and raw-lettuce are Redis baselines; for '" + scheme + "' use --compare api,raw");
            }
            Map<String, String> storeOptions = new LinkedHashMap<>();
            if (jdbc) {
                storeOptions.put("schema", "create");
                // documents get their own table: a table made for columns would keep its columns
                // (and with field0 indexed, its own table again: indexes would burden the other runs' writes)
                storeOptions.put("table-prefix", ("document".equalsIgnoreCase(options.storeOptions().get("layout"))
                        ? "bench_doc_" : "bench_") + (w.queryIndexed() ? "ix_" : ""));
                storeOptions.put("pool-size", Integer.toString(Math.max(2, w.threads())));
            } else if (redis) {
                storeOptions.put("key-prefix", "bench");
            } else if (neo4j) {
                storeOptions.put("label-prefix", "Bench_");
            }
            storeOptions.putAll(options.storeOptions());
            List<Target> targets = new ArrayList<>();
            ApiTarget api = null;
            try {
                api = new ApiTarget(uri, storeOptions, w.queryIndexed());
                for (String t : options.targets()) {
                    if (t.equals("api")) {
                        targets.add(api);
                    } else if (neo4j) {
                        targets.add(new Neo4jTarget(uri, storeOptions.get("user"), storeOptions.get("password"), w.queryIndexed()));
                    } else if (couchdb) {
                        targets.add(new CouchDbTarget(options.store(), storeOptions.get("user"), storeOptions.get("password")));
                    } else if (redis) {
                        String client = t.startsWith("raw-") ? t.substring(4) : storeOptions.getOrDefault("client", "jedis");
                        targets.add(RedisTarget.of(options.store(), t, client,
                                Integer.parseInt(storeOptions.getOrDefault("pool-size", "16"))));
                    } else {
                        targets.add(new JdbcTarget(options.store(), storeOptions.getOrDefault("table-prefix", "") + "usertable",
                                Integer.parseInt(storeOptions.getOrDefault("pool-size", "10")),
                                "document".equalsIgnoreCase(storeOptions.get("layout")), w.queryIndexed()));
                    }
                }
                err.printf("polystore-bench: workload %s on %s, targets %s, %d threads%n", w.name(),
                        Redaction.uri(options.store()), options.targets(), w.threads());
                Runner runner = new Runner(w, err);
                Instant started = Instant.now();
                List<Results.Round> rounds = runner.run(targets);
                List<Results.Summary> summaries = new ArrayList<>();
                for (Target t : targets) {
                    summaries.add(Report.summarize(t, rounds));
                }
                Map<String, Double> ratios = Report.ratios(summaries);
                Results.Run result = new Results.Run(w, Redaction.uri(options.store()), started, Runner.machine(), rounds,
                        summaries, ratios, runner.warnings());
                Report.print(result, out);
                return write(result, scheme);
            } finally {
                for (Target t : targets) {
                    t.close();
                }
                if (api != null && !targets.contains(api)) {
                    api.close(); // opened only to create the table for the raw target
                }
            }
        }

        private Path write(Results.Run result, String scheme) {
            ObjectMapper json = Mapping.newObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(result.startedAt());
            Path file = options.out().resolve(stamp + "-" + result.workload().name() + "-" + scheme.replace(':', '-') + ".json");
            try {
                Files.createDirectories(options.out());
                json.writeValue(file.toFile(), result);
                Files.writeString(Path.of(file.toString().replaceAll("\\.json$", ".csv")), Report.csv(result));
                Files.writeString(Path.of(file.toString().replaceAll("\\.json$", ".html")), HtmlReport.render(result));
            } catch (IOException e) {
                throw new BenchException("cannot write " + file + ": " + e.getMessage());
            }
            return file;
        }
    }
}
