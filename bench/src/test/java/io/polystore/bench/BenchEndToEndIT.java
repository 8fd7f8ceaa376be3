package io.polystore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Short runs of workload A end to end (mem, SQLite, PostgreSQL with columns and with JSON documents, Redis, embedded Neo4j): the result file exists, parses, and counts the operations asked for. */
class BenchEndToEndIT {
    @TempDir
    Path dir;

    private JsonNode run(String store, String compare, String... more) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("run", "--store", store, "--workload", "a", "--compare", compare,
                "--threads", "2", "-p", "recordcount=500", "-p", "operationcount=2000", "-p", "warmup=0s", "-p", "rounds=2",
                "-p", "verify=true", "--out", dir.toString()));
        args.addAll(List.of(more));
        int code = BenchMain.run(args.toArray(new String[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ops/s median").contains("read").contains("update");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".json")).toList());
        }
        assertThat(files).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(files.get(0).toFile());
        Files.delete(files.get(0));
        return json;
    }

    private static void assertCounts(JsonNode json, int targets) {
        assertThat(json.get("rounds")).hasSize(2 * targets);
        for (JsonNode round : json.get("rounds")) {
            assertThat(round.get("operations").asLong()).isEqualTo(2000);
            long measured = round.get("latency").get("read").get("count").asLong()
                    + round.get("latency").get("update").get("count").asLong();
            assertThat(measured).isEqualTo(2000);
            assertThat(round.get("errors").size()).as("errors " + round.get("errors")).isZero();
            assertThat(round.get("loadRecords").asLong()).isEqualTo(500);
        }
        assertThat(json.get("summaries")).hasSize(targets);
    }

    @Test
    void workloadAOnTheInMemoryStore() throws Exception {
        assertCounts(run("mem:", "api"), 1);
    }

    @Test
    void workloadAOnSqliteThroughTheApiAndRawJdbc() throws Exception {
        JsonNode json = run("jdbc:sqlite:" + TestServers.sqliteFile("bench.db"), "api,raw");
        assertCounts(json, 2);
        assertThat(json.get("ratios").get("throughput").asDouble()).isPositive();
    }

    @Test
    void workloadAOnPostgresThroughTheApiAndRawJdbc() throws Exception {
        JsonNode json = run(TestServers.postgresUrl(), "api,raw");
        assertCounts(json, 2);
    }

    @Test
    void workloadAOnPostgresJsonDocumentsThroughTheApiAndRawJdbc() throws Exception {
        JsonNode json = run(TestServers.postgresUrl(), "api,raw", "-o", "layout=document");
        assertCounts(json, 2);
        assertThat(json.get("summaries").get(1).get("describe").asText()).startsWith("JDBC (JSON documents)");
    }

    @Test
    void workloadAOnRedisThroughTheApiAndRawJedisByDefault() throws Exception {
        JsonNode json = run(TestServers.redisUrl(), "api,raw");
        assertCounts(json, 2);
        assertThat(json.get("summaries").get(1).get("describe").asText()).startsWith("Jedis");
    }

    @Test
    void workloadAOnRedisAgainstBothRawClientsInOneRun() throws Exception {
        JsonNode json = run(TestServers.redisUrl(), "api,raw-lettuce,raw-jedis");
        assertCounts(json, 3);
        assertThat(json.get("summaries").get(1).get("describe").asText()).startsWith("Lettuce");
        assertThat(json.get("summaries").get(2).get("describe").asText()).startsWith("Jedis");
        assertThat(json.get("ratios").get("throughput/raw-lettuce").asDouble()).isPositive();
        assertThat(json.get("ratios").get("throughput/raw-jedis").asDouble()).isPositive();
        // CPU per operation: against the cheaper raw, and against each
        assertThat(json.get("ratios").get("cpu-per-op").asDouble()).isPositive();
        assertThat(json.get("ratios").get("cpu-per-op/raw-lettuce").asDouble()).isPositive();
        assertThat(json.get("summaries").get(2).get("cpuMicrosPerOperation").asDouble()).isPositive();
    }

    @Test
    void workloadAOnEmbeddedNeo4jThroughTheApiAndRawDriver() throws Exception {
        JsonNode json = run("neo4j-embedded:", "api,raw");
        assertCounts(json, 2);
        assertThat(json.get("summaries").get(1).get("describe").asText()).startsWith("neo4j-java-driver");
        assertThat(json.get("store").asText()).isEqualTo("neo4j-embedded:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"q", "qi"})
    void workloadsQAndQiQueryJsonDocumentsByContentOnSqlite(String workload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path db = TestServers.sqliteFile(workload + ".db");
        int code = BenchMain.run(new String[]{"run", "--store", "jdbc:sqlite:" + db, "-o", "layout=document",
                "--workload", workload, "--compare", "api,raw", "--threads", "2", "-p", "recordcount=500", "-p", "operationcount=400",
                "-p", "warmup=0s", "-p", "rounds=2", "--out", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".json")).toList());
        }
        JsonNode json = new ObjectMapper().readTree(files.get(0).toFile());
        for (JsonNode round : json.get("rounds")) {
            long queries = round.get("latency").get("query").get("count").asLong();
            long updates = round.get("latency").get("update").get("count").asLong();
            assertThat(queries + updates).isEqualTo(400);
            assertThat(queries).as("90 % queries").isBetween(300L, 400L);
            assertThat(round.get("errors").size()).as("errors " + round.get("errors")).isZero();
        }
        // qi: field0 indexed on both sides (the API's generated column, and the raw baseline's expression index)
        List<String> indexes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")) {
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
        }
        if (workload.equals("qi")) {
            assertThat(indexes).contains("ix_bench_doc_ix_usertable_field0", "bench_doc_ix_usertable_raw_field0");
        } else {
            assertThat(indexes).noneMatch(i -> i.contains("field0"));
        }
    }
}
