package io.polystore.bench.graph;

import io.polystore.EntityRef;
import io.polystore.GraphOperations;
import io.polystore.Polystore;
import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import io.polystore.bench.Mixed;
import io.polystore.bench.Neo4jServer;
import io.polystore.bench.generator.Zipfian;
import io.polystore.query.Criteria.Direction;
import io.polystore.spi.Redaction;
import io.polystore.spi.StoreConfig;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The graph workload: a generated social graph ({@code --users} people, each following
 * {@code --follows} others chosen by zipfian popularity, so that a few are followed by many), then
 * a mix of friends ({@code neighbours} depth 1), friends of friends (depth 2) and shortest paths
 * (up to 4 steps) from uniformly chosen people, through {@link GraphOperations} ({@code api}) and
 * through Cypher written by hand with neo4j-java-driver ({@code raw}) on the same nodes.
 *
 * <p>Before the rounds, both targets answer the same 200 questions and must agree (the same
 * neighbour sets, paths of the same length); a disagreement fails the run.
 */
public final class GraphWorkload {
    /** Options of the {@code graph} command. */
    public record Options(String store, List<String> targets, Map<String, String> storeOptions, int users, int follows,
            int threads, Duration duration, Duration warmup, int rounds, Path out) {
    }

    static final String TYPE = "FOLLOWS";
    static final String ENTITY = "Person";
    private static final List<String> OPS = List.of("friends", "friends-of-friends", "shortest-path");
    private static final int PATH_DEPTH = 4;

    private GraphWorkload() {
    }

    /**
     * @return the graph command's options
     * @throws BenchException for a missing store, a graph that cannot be drawn, or a baseline the store has not
     */
    public static Options options(Mixed.Common c, int users, int follows) {
        if (c.store() == null) {
            throw new BenchException("graph needs --store (neo4j-embedded:, bolt://host:7687, or mem: for the API alone)");
        }
        if (follows >= users) {
            throw new BenchException("--follows (" + follows + ") must be less than --users (" + users + ")");
        }
        if (c.targets().contains("raw") && StoreConfig.scheme(c.store()).equals("mem")) {
            throw new BenchException("the raw graph baseline is neo4j-java-driver; '" + c.store() + "' has none");
        }
        return new Options(c.store(), c.targets(), c.storeOptions(), users, follows, c.threads(), c.duration(), c.warmup(),
                c.rounds(), c.out());
    }

    /** The people each person follows: distinct, not themselves, zipfian by popularity; fixed by the seed. */
    static int[][] socialGraph(int users, int follows, long seed) {
        Zipfian popularity = new Zipfian(users, 0.99);
        SplittableRandom random = new SplittableRandom(seed);
        int[][] out = new int[users][];
        for (int u = 0; u < users; u++) {
            Set<Integer> chosen = new LinkedHashSet<>();
            while (chosen.size() < follows) {
                int v = (int) popularity.next(random);
                if (v != u) {
                    chosen.add(v);
                }
            }
            out[u] = chosen.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    static String id(int user) {
        return "p" + user;
    }

    /** The operations both targets answer. */
    interface Graph extends AutoCloseable {
        List<String> neighbours(String id, int depth);

        /** @return the path's ids, or empty */
        Optional<List<String>> path(String from, String to);

        @Override
        void close();
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        String label = "Bench_";
        Map<String, String> storeOptions = new LinkedHashMap<>(o.storeOptions());
        boolean neo4j = !StoreConfig.scheme(o.store()).equals("mem");
        if (neo4j) {
            storeOptions.putIfAbsent("label-prefix", label);
        }
        try (Neo4jServer server = Neo4jServer.of(o.store())) {
            Map<String, Graph> graphs = new LinkedHashMap<>();
            try {
                Polystore polystore = Polystore.builder().store("bench", server.uri(), storeOptions).build();
                graphs.put("api", new ApiGraph(polystore));
                int[][] edges = socialGraph(o.users(), o.follows(), 42);
                long t0 = System.nanoTime();
                if (neo4j) {
                    // one follow through the API first: the store creates its unique _id constraint (and so the
                    // index the bulk load's MERGEs and MATCHes need) when a label is first related; the load
                    // starts by deleting every node of the label, this one included
                    polystore.store("bench").capability(GraphOperations.class)
                            .relate(new EntityRef(ENTITY, id(0)), TYPE, new EntityRef(ENTITY, id(1)));
                    load(server.uri(), storeOptions, edges);
                } else {
                    GraphOperations g = polystore.store("bench").capability(GraphOperations.class);
                    for (int u = 0; u < edges.length; u++) {
                        for (int v : edges[u]) {
                            g.relate(new EntityRef(ENTITY, id(u)), TYPE, new EntityRef(ENTITY, id(v)));
                        }
                    }
                }
                err.printf("loaded %d people, %d follows in %.1f s%n", o.users(), (long) o.users() * o.follows(),
                        (System.nanoTime() - t0) / 1e9);
                if (o.targets().contains("raw")) {
                    graphs.put("raw", new RawGraph(server.uri(), storeOptions));
                }
                Map<String, Mixed.Target> mixes = new LinkedHashMap<>();
                for (String t : o.targets()) {
                    Graph g = graphs.get(t);
                    mixes.put(t, (thread, round) -> worker(g, o.users()));
                }
                out.printf("graph: %s, %d people following %d each, %d threads, %d s x %d rounds after %d s warm-up, targets %s%n",
                        Redaction.uri(o.store()), o.users(), o.follows(), o.threads(), o.duration().toSeconds(), o.rounds(),
                        o.warmup().toSeconds(), o.targets());
                if (graphs.size() > 1) {
                    int checked = agree(graphs.get("api"), graphs.get("raw"), o.users(), 200);
                    out.printf("api and raw agree on %d sample questions%n", checked);
                }
                Map<String, List<Mixed.Round>> rounds = Mixed.alternate(mixes, o.threads(), o.duration(), o.warmup(),
                        o.rounds(), "graph", err);
                return report(o, rounds, out);
            } finally {
                for (Graph g : graphs.values()) {
                    g.close();
                }
            }
        }
    }

    private static Mixed.Worker worker(Graph g, int users) {
        return (random, m) -> {
            double p = random.nextDouble();
            String from = id(random.nextInt(users));
            if (p < 0.4) {
                m.count(g.neighbours(from, 1).isEmpty() ? "friends:none" : "friends:found");
                return "friends";
            }
            if (p < 0.8) {
                m.count(g.neighbours(from, 2).isEmpty() ? "friends-of-friends:none" : "friends-of-friends:found");
                return "friends-of-friends";
            }
            m.count(g.path(from, id(random.nextInt(users))).isPresent() ? "path:found" : "path:none");
            return "shortest-path";
        };
    }

    /** Asks both the same questions; throws on the first disagreement. */
    static int agree(Graph api, Graph raw, int users, int questions) {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < questions; i++) {
            String from = id(random.nextInt(users));
            String to = id(random.nextInt(users));
            for (int depth = 1; depth <= 2; depth++) {
                Set<String> a = new HashSet<>(api.neighbours(from, depth));
                Set<String> r = new HashSet<>(raw.neighbours(from, depth));
                if (!a.equals(r)) {
                    throw new IllegalStateException("api and raw disagree on the depth-" + depth + " neighbours of " + from
                            + ": " + a.size() + " vs " + r.size());
                }
            }
            int a = api.path(from, to).map(List::size).orElse(0);
            int r = raw.path(from, to).map(List::size).orElse(0);
            if (a != r) {
                throw new IllegalStateException("api and raw disagree on the shortest path " + from + " -> " + to + ": "
                        + a + " vs " + r + " nodes");
            }
        }
        return questions;
    }

    /** Loads the graph in the store's own layout (nodes labelled by entity, {@code _id}), 5 000 follows a transaction. */
    private static void load(String uri, Map<String, String> storeOptions, int[][] edges) {
        String label = storeOptions.getOrDefault("label-prefix", "") + ENTITY;
        try (Driver d = driver(uri, storeOptions); Session s = d.session()) {
            String l = "`" + label.replace("`", "``") + "`";
            s.run("MATCH (n:" + l + ") CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume();
            List<String> ids = new ArrayList<>();
            for (int u = 0; u < edges.length; u++) {
                ids.add(id(u));
            }
            s.run("UNWIND $ids AS id MERGE (:" + l + " {_id: id})", Map.of("ids", ids)).consume();
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int u = 0; u < edges.length; u++) {
                for (int v : edges[u]) {
                    batch.add(Map.of("a", id(u), "b", id(v)));
                    if (batch.size() == 5000) {
                        relateAll(s, l, batch);
                    }
                }
            }
            relateAll(s, l, batch);
        }
    }

    private static void relateAll(Session s, String label, List<Map<String, Object>> batch) {
        if (!batch.isEmpty()) {
            s.executeWriteWithoutResult(tx -> tx.run("UNWIND $rows AS row MATCH (a:" + label + " {_id: row.a}), (b:" + label
                    + " {_id: row.b}) MERGE (a)-[:" + TYPE + "]->(b)", Map.of("rows", batch)).consume());
            batch.clear();
        }
    }

    static Driver driver(String uri, Map<String, String> storeOptions) {
        String user = storeOptions.get("user");
        return GraphDatabase.driver(uri, user == null ? AuthTokens.none() : AuthTokens.basic(user, storeOptions.getOrDefault("password", "")));
    }

    /** Through the repository API's graph capability. */
    static final class ApiGraph implements Graph {
        private final Polystore polystore;
        private final GraphOperations graph;

        ApiGraph(Polystore polystore) {
            this.polystore = polystore;
            this.graph = polystore.store("bench").capability(GraphOperations.class);
        }

        @Override
        public List<String> neighbours(String id, int depth) {
            List<String> ids = new ArrayList<>();
            for (EntityRef r : graph.neighbours(new EntityRef(ENTITY, id), TYPE, Direction.OUTGOING, depth)) {
                ids.add(r.id());
            }
            return ids;
        }

        @Override
        public Optional<List<String>> path(String from, String to) {
            return graph.shortestPath(new EntityRef(ENTITY, from), new EntityRef(ENTITY, to), TYPE, Direction.OUTGOING, PATH_DEPTH)
                    .map(p -> p.stream().map(EntityRef::id).toList());
        }

        @Override
        public void close() {
            polystore.close();
        }
    }

    /** Cypher by hand: the same questions, the same answers (ids, nearest first; the path's ids). */
    static final class RawGraph implements Graph {
        private final Driver driver;
        private final String neighbours1;
        private final String neighbours2;
        private final String path;

        RawGraph(String uri, Map<String, String> storeOptions) {
            this.driver = driver(uri, storeOptions);
            String l = storeOptions.getOrDefault("label-prefix", "") + ENTITY;
            this.neighbours1 = "MATCH (:" + l + " {_id: $id})-[:" + TYPE + "]->(m) RETURN DISTINCT m._id AS id";
            this.neighbours2 = "MATCH p = (s:" + l + " {_id: $id})-[:" + TYPE + "*1..2]->(m) WHERE m <> s"
                    + " WITH m, min(length(p)) AS d ORDER BY d RETURN m._id AS id";
            this.path = "MATCH (a:" + l + " {_id: $a}), (b:" + l + " {_id: $b})"
                    + " MATCH p = shortestPath((a)-[:" + TYPE + "*.." + PATH_DEPTH + "]->(b)) RETURN [n IN nodes(p) | n._id] AS ids";
        }

        @Override
        public List<String> neighbours(String id, int depth) {
            try (Session s = driver.session()) {
                return s.executeRead(tx -> {
                    List<String> ids = new ArrayList<>();
                    for (Record r : tx.run(depth == 1 ? neighbours1 : neighbours2, Map.of("id", id)).list()) {
                        ids.add(r.get("id").asString());
                    }
                    return ids;
                });
            }
        }

        @Override
        public Optional<List<String>> path(String from, String to) {
            if (from.equals(to)) {
                return Optional.of(List.of(from));
            }
            try (Session s = driver.session()) {
                return s.executeRead(tx -> {
                    List<Record> rows = tx.run(path, Map.of("a", from, "b", to)).list();
                    return rows.isEmpty() ? Optional.<List<String>>empty()
                            : Optional.of(rows.get(0).get("ids").asList(v -> v.asString()));
                });
            }
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    private static Path report(Options o, Map<String, List<Mixed.Round>> rounds, PrintStream out) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"graph\",\n  \"time\": \"").append(Instant.now())
                .append("\",\n  \"store\": \"").append(Redaction.uri(o.store())).append("\",\n  \"users\": ").append(o.users())
                .append(",\n  \"follows\": ").append(o.follows()).append(",\n  \"threads\": ").append(o.threads())
                .append(",\n  \"rounds\": ").append(o.rounds()).append(",\n");
        Mixed.report(OPS, rounds, json, out);
        json.append("\n}\n");
        Files.createDirectories(o.out());
        Path file = o.out().resolve("graph-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }
}
