package io.polystore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.polystore.Polystore;
import io.polystore.StoreException;
import io.polystore.spi.Redaction;
import io.polystore.spi.StoreConfig;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code polystore-bench} command line, on picocli: every command takes {@code --help} and
 * {@code --version}, and {@code generate-completion} prints a bash/zsh completion script.
 * <pre>
 * java -jar bench/target/polystore-bench.jar run --store jdbc:postgresql://127.0.0.1/test?user=postgres \
 *      --workload c --compare api,raw --threads 8 -p duration=20s
 * </pre>
 * Exit codes: 0 done, 1 the run failed, 2 bad usage (the message says what to change).
 */
@Command(name = "polystore-bench", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Benchmarks every store through Polystore's API and through the raw driver, side by side in one run.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the run failed", "2:bad usage (the message says what to change)"})
public final class BenchMain implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    private BenchMain() {
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command: name one of " + spec.subcommands().keySet());
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
        CommandLine cl = new CommandLine(new BenchMain());
        for (Object command : List.of(new RunCommand(out, err), new CompareCommand(out), new PagesCommand(out, err),
                new SessionsCommand(out, err), new GraphCommand(out, err), new HttpCommand(out, err),
                new TopCommand(out, err), new CopyCommand(out, err))) {
            cl.addSubcommand(command);
        }
        protocol(cl, "purge-propagation", out, err, "A purge on this JVM until a second JVM stops serving the page from"
                + " memory: p50/p99. Needs --redis.");
        protocol(cl, "revalidation", out, err, "A stale page through the proxy: the origin's 304 against a full refetch.");
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.addSubcommand(new AutoComplete.GenerateCompletion());
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof ParameterException p) {   // an option value a command found wrong: usage, exit 2
                return commandLine.getParameterExceptionHandler().handleParseException(p, args);
            }
            // a bench error found while running (an unknown workload, a store's configuration): exit 2, no usage
            if (e instanceof BenchException || e instanceof io.polystore.ConfigurationException) {
                err.println("polystore-bench: " + e.getMessage());
                return 2;
            }
            if (e instanceof StoreException) {
                err.println("polystore-bench: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl.execute(args);
    }

    private static void protocol(CommandLine cl, String name, PrintStream out, PrintStream err, String description) {
        cl.addSubcommand(name, new ProtocolCommand(name, out, err));
        cl.getSubcommands().get(name).getCommandSpec().usageMessage().description(description);
    }

    /** {@code --version}: the version of Polystore this bench was built with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"polystore-bench " + Polystore.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    /** A bench command: checks its options, then runs and prints the result file. */
    abstract static class BenchCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        final PrintStream out;
        final PrintStream err;

        BenchCommand(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        /** @return the result file; a {@link BenchException} from checking the options is a usage error */
        abstract Callable<Path> prepare();

        @Override
        public final Integer call() {
            Callable<Path> body;
            try {
                body = prepare();
            } catch (BenchException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            try {
                out.println("result: " + body.call());
                return 0;
            } catch (BenchException | StoreException e) {
                throw e;
            } catch (Exception e) {
                err.println("polystore-bench: the " + spec.name() + " command failed: " + e);
                return 1;
            }
        }
    }

    /** {@code --out}, which every command that writes a result takes. */
    static final class ResultDir {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
                description = "where the JSON, CSV and HTML results go (default: ${DEFAULT-VALUE})")
        Path dir;
    }

    /** Whole numbers above zero, the value named when it is not one. */
    static final class Positive implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive whole number");
        }
    }

    /** Whole seconds, {@code 10} or {@code 10s}. */
    static class Seconds implements CommandLine.ITypeConverter<Duration> {
        boolean allowZero() {
            return false;
        }

        @Override
        public Duration convert(String value) {
            String v = value.trim().replaceFirst("s$", "");
            if (allowZero() && v.matches("0+")) {
                return Duration.ZERO;
            }
            try {
                long n = Long.parseLong(v);
                if (n > 0) {
                    return Duration.ofSeconds(n);
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not whole seconds (such as 10 or 10s)"
                    + (allowZero() ? " or 0" : ""));
        }
    }

    /** Whole seconds or 0 (a warm-up that can be switched off). */
    static final class SecondsOrZero extends Seconds {
        @Override
        boolean allowZero() {
            return true;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "A YCSB-style workload on one store: through the API, the raw driver, or both in alternating rounds.")
    static final class RunCommand extends BenchCommand {
        @Option(names = "--store", paramLabel = "URI", defaultValue = "mem:", description = {
            "store to benchmark (default: ${DEFAULT-VALUE}); jdbc:sqlite:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:,",
            "redis:// (-o client=jedis|lettuce picks the client of both api and raw; jedis by default), bolt://, neo4j://,",
            "couchdb://host:5984/prefix_ (raw: hand-written HTTP with the JDK's HttpClient),",
            "neo4j-embedded:[dir] (the bench starts it; api and raw share it)"})
        String store;

        @Option(names = "--workload", paramLabel = "NAME", defaultValue = "a", description = {
            "a, b, c, d, e, f (YCSB core), w (write-only), q (queries by content), qi (q with the field indexed",
            "on both sides), or a properties file (default: ${DEFAULT-VALUE})"})
        String workload;

        @Option(names = "--compare", paramLabel = "LIST", split = ",", defaultValue = "api", description = {
            "targets, in the order they alternate: api, raw or api,raw (default: api); on Redis also",
            "raw-jedis and raw-lettuce, to compare the API with both clients in one run"})
        List<String> targets;

        @Option(names = "--threads", paramLabel = "N", converter = Positive.class, description = "client threads (YCSB threadcount)")
        Integer threads;

        @Option(names = "--target", paramLabel = "OPS", converter = Positive.class,
                description = "target operations per second (latency then also corrected for coordinated omission)")
        Integer target;

        @Option(names = "-p", paramLabel = "KEY=VALUE", description = "workload property (recordcount, operationcount, duration, warmup, rounds, ...)")
        Map<String, String> properties = new LinkedHashMap<>();

        @Option(names = "-o", paramLabel = "KEY=VALUE", description = "store option (pool-size, client, layout, ...)")
        Map<String, String> storeOptions = new LinkedHashMap<>();

        @Mixin
        ResultDir results;

        RunCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            List<String> lower = targets.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
            for (String t : lower) {
                if (!t.equals("api") && !t.equals("raw") && !t.equals("raw-jedis") && !t.equals("raw-lettuce")) {
                    throw new BenchException("--compare takes api, raw or api,raw (on Redis also raw-jedis, raw-lettuce), not '"
                            + t + "'");
                }
            }
            Map<String, String> props = new LinkedHashMap<>(properties);
            if (threads != null) {
                props.put("threadcount", threads.toString());
            }
            if (target != null) {
                props.put("target", target.toString());
            }
            Options options = new Options(store, workload, lower, props, storeOptions, results.dir);
            return () -> new Run(options, out, err).execute();
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "The change of every median from one result file to another.")
    static final class CompareCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BEFORE.json", description = "the earlier run's result file")
        Path before;

        @Parameters(index = "1", paramLabel = "AFTER.json", description = "the later run's result file")
        Path after;

        private final PrintStream out;

        CompareCommand(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            Compare.print(Compare.read(before), Compare.read(after), out);
            return 0;
        }
    }

    /** The options the mixed workloads ({@code sessions}, {@code graph}) share. */
    static final class MixedOptions {
        @Option(names = "--store", paramLabel = "URI", description = "the store")
        String store;

        @Option(names = "--compare", paramLabel = "LIST", split = ",", defaultValue = "api",
                description = "api, raw or api,raw (default: ${DEFAULT-VALUE})")
        List<String> targets;

        @Option(names = "-o", paramLabel = "KEY=VALUE", description = "store option")
        Map<String, String> storeOptions = new LinkedHashMap<>();

        @Option(names = "--threads", paramLabel = "N", defaultValue = "8", converter = Positive.class,
                description = "client threads (default: ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10", converter = Seconds.class,
                description = "each round's length (default: ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5", converter = SecondsOrZero.class,
                description = "warm-up of each target before its first round, 0 for none (default: ${DEFAULT-VALUE})")
        Duration warmup;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", converter = Positive.class,
                description = "rounds of each target (default: ${DEFAULT-VALUE})")
        int rounds;

        @Mixin
        ResultDir results;

        Mixed.Common common(String command) {
            List<String> lower = targets.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
            for (String t : lower) {
                if (!t.equals("api") && !t.equals("raw")) {
                    throw new BenchException("unknown target '" + t + "'; " + command + " compares api and raw");
                }
            }
            return new Mixed.Common(store, lower, storeOptions, threads, duration, warmup, rounds, results.dir);
        }
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "TTL-heavy sessions: login, lookup, touch, logout; expiry checked; index drift after.")
    static final class SessionsCommand extends BenchCommand {
        @Mixin
        MixedOptions common;

        @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3", converter = Seconds.class,
                description = "the sessions' time to live (default: ${DEFAULT-VALUE})")
        Duration ttl;

        @Option(names = "--users", paramLabel = "N", defaultValue = "10000", converter = Positive.class,
                description = "distinct users (default: ${DEFAULT-VALUE})")
        int users;

        SessionsCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            io.polystore.bench.sessions.SessionWorkload.Options o =
                    io.polystore.bench.sessions.SessionWorkload.options(common.common("sessions"), ttl, users);
            return () -> io.polystore.bench.sessions.SessionWorkload.run(o, out, err);
        }
    }

    @Command(name = "graph", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "A zipfian social graph: friends, friends of friends, shortest paths; api vs Cypher by hand.")
    static final class GraphCommand extends BenchCommand {
        @Mixin
        MixedOptions common;

        @Option(names = "--users", paramLabel = "N", defaultValue = "10000", converter = Positive.class,
                description = "people in the graph (default: ${DEFAULT-VALUE})")
        int users;

        @Option(names = "--follows", paramLabel = "N", defaultValue = "20", converter = Positive.class,
                description = "people each one follows (default: ${DEFAULT-VALUE})")
        int follows;

        GraphCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            io.polystore.bench.graph.GraphWorkload.Options o =
                    io.polystore.bench.graph.GraphWorkload.options(common.common("graph"), users, follows);
            return () -> io.polystore.bench.graph.GraphWorkload.run(o, out, err);
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "GETs over a URL set against a running app (or one started here with --self): hit ratio and latency"
                    + " per tier, by X-Cache.")
    static final class HttpCommand extends BenchCommand {
        @Option(names = "--url", paramLabel = "URL", description = "a running app's pages: http://host:port/path/{n}")
        String url;

        @Option(names = "--self", description = "start an app with the page cache in this process instead")
        boolean self;

        @Option(names = "--redis", paramLabel = "URI", description = "with --self: the shared tier")
        String redis;

        @Option(names = "--l1-bytes", paramLabel = "N", defaultValue = "4194304", converter = Positive.class,
                description = "with --self: the memory tier's size (default: ${DEFAULT-VALUE})")
        int l1Bytes;

        @Option(names = "--render-ms", paramLabel = "N", defaultValue = "5", converter = Positive.class,
                description = "with --self: time to render a page (default: ${DEFAULT-VALUE})")
        int renderMillis;

        @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "60", converter = Positive.class,
                description = "with --self: the pages' max-age (default: ${DEFAULT-VALUE})")
        int ttl;

        @Option(names = "--urls", paramLabel = "N", defaultValue = "10000", converter = Positive.class,
                description = "distinct pages (default: ${DEFAULT-VALUE})")
        int urls;

        @Option(names = "--distribution", paramLabel = "NAME", defaultValue = "zipfian",
                description = "zipfian, uniform, hotspot, latest (default: ${DEFAULT-VALUE})")
        String distribution;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "32", converter = Positive.class,
                description = "client threads (default: ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "30", converter = Seconds.class,
                description = "measured time (default: ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5", converter = SecondsOrZero.class,
                description = "warm-up, 0 for none (default: ${DEFAULT-VALUE})")
        Duration warmup;

        @Mixin
        ResultDir results;

        HttpCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            io.polystore.bench.pages.HttpWorkload.Options o = new io.polystore.bench.pages.HttpWorkload.Options(url, self, redis,
                    l1Bytes, renderMillis, ttl, urls, distribution, threads, duration, warmup, results.dir);
            return () -> io.polystore.bench.pages.HttpWorkload.run(o, out, err);
        }
    }

    @Command(name = "pages", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "The page cache under wrk: no filter, L1 hit, Jetty-core hit, L2 hit, 10 ms miss, nginx static file.")
    static final class PagesCommand extends BenchCommand {
        @Option(names = "--redis", paramLabel = "URI", description = "the shared tier, for the l2 target")
        String redis;

        @Option(names = "--connections", paramLabel = "N", defaultValue = "32", converter = Positive.class,
                description = "wrk connections (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--wrk-threads", paramLabel = "N", defaultValue = "2", converter = Positive.class,
                description = "wrk threads (default: ${DEFAULT-VALUE})")
        int wrkThreads;

        @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10", converter = Seconds.class,
                description = "each round's length (default: ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3", converter = Seconds.class,
                description = "warm-up of each target (default: ${DEFAULT-VALUE})")
        Duration warmup;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", converter = Positive.class,
                description = "rounds of each target (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--page-bytes", paramLabel = "N", defaultValue = "8192", converter = Positive.class,
                description = "the page's size (default: ${DEFAULT-VALUE})")
        int pageBytes;

        @Option(names = "--no-nginx", description = "leave nginx out of the default targets")
        boolean noNginx;

        @Option(names = "--targets", paramLabel = "LIST", split = ",",
                description = "plain, l1, core, l2, miss, nginx (default: all, l2 with --redis, nginx unless --no-nginx)")
        List<String> targets;

        @Mixin
        ResultDir results;

        PagesCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            io.polystore.bench.pages.PageCacheBench.Options o = io.polystore.bench.pages.PageCacheBench.options(redis, connections,
                    wrkThreads, duration, warmup, rounds, pageBytes, !noNginx, targets, results.dir);
            return () -> io.polystore.bench.pages.PageCacheBench.run(o, out, err);
        }
    }

    /** {@code purge-propagation} and {@code revalidation}: the page cache's protocol work. */
    @Command(mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false)
    static final class ProtocolCommand extends BenchCommand {
        private final String name;

        @Option(names = "--redis", paramLabel = "URI", description = "the Redis both nodes share (purge-propagation)")
        String redis;

        @Option(names = "--purges", paramLabel = "N", defaultValue = "200", converter = Positive.class,
                description = "purges to time (purge-propagation; default: ${DEFAULT-VALUE})")
        int purges;

        @Option(names = "--page-bytes", paramLabel = "N", defaultValue = "102400", converter = Positive.class,
                description = "the page's size (revalidation; default: ${DEFAULT-VALUE})")
        int pageBytes;

        @Option(names = "--requests", paramLabel = "N", defaultValue = "2000", converter = Positive.class,
                description = "requests per round (revalidation; default: ${DEFAULT-VALUE})")
        int requests;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", converter = Positive.class,
                description = "rounds (revalidation; default: ${DEFAULT-VALUE})")
        int rounds;

        @Mixin
        ResultDir results;

        ProtocolCommand(String name, PrintStream out, PrintStream err) {
            super(out, err);
            this.name = name;
        }

        @Override
        Callable<Path> prepare() {
            io.polystore.bench.pages.CacheProtocolBench.Options o = io.polystore.bench.pages.CacheProtocolBench.options(name, redis,
                    purges, pageBytes, requests, rounds, results.dir);
            return () -> io.polystore.bench.pages.CacheProtocolBench.run(o, out, err);
        }
    }

    @Command(name = "top", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "The first 20 by an @Indexed number: api against a hand-written query, same data (Redis, Neo4j).")
    static final class TopCommand extends BenchCommand {
        @Option(names = "--store", paramLabel = "URI", required = true,
                description = "redis://host:port, neo4j-embedded: or bolt://host:7687")
        String store;

        @Option(names = "--records", paramLabel = "N", defaultValue = "100000", converter = Positive.class,
                description = "records loaded (default: ${DEFAULT-VALUE})")
        int records;

        @Option(names = "--queries", paramLabel = "N", defaultValue = "200", converter = Positive.class,
                description = "queries per round (default: ${DEFAULT-VALUE})")
        int queries;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", converter = Positive.class,
                description = "rounds of each side (default: ${DEFAULT-VALUE})")
        int rounds;

        @Mixin
        ResultDir results;

        TopCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            TopQueryBench.Options o = new TopQueryBench.Options(store, records, queries, rounds, results.dir);
            return () -> TopQueryBench.run(o, out, err);
        }
    }

    @Command(name = "copy", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "Polystore.copy against the target's bulk path: COPY FROM STDIN (PostgreSQL) or pipelined SET (Redis).")
    static final class CopyCommand extends BenchCommand {
        @Option(names = "--from", paramLabel = "URI", required = true, description = "the source store")
        String from;

        @Option(names = "--to", paramLabel = "URI", required = true, description = "the target: jdbc:postgresql:... or redis://...")
        String to;

        @Option(names = "--records", paramLabel = "N", defaultValue = "100000", converter = Positive.class,
                description = "YCSB records (default: ${DEFAULT-VALUE})")
        int records;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", converter = Positive.class,
                description = "rounds of each side (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "1000", converter = Positive.class,
                description = "records per page and batch (default: ${DEFAULT-VALUE})")
        int batch;

        @Mixin
        ResultDir results;

        CopyCommand(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        Callable<Path> prepare() {
            CopyBench.Options o = new CopyBench.Options(from, to, records, rounds, batch, results.dir);
            return () -> CopyBench.run(o, out, err);
        }
    }

    /** The {@code run} command's options, checked. */
    record Options(String store, String workload, List<String> targets, Map<String, String> properties,
                   Map<String, String> storeOptions, Path out) {
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
            ObjectMapper json = io.polystore.spi.Json.newObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
