package io.polystore.bench.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.bench.BenchMain;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Short runs of the two protocol benchmarks end to end: the revalidation run checks every answer's
 * X-Cache itself (304 target all REVALIDATED, full target all MISS); the propagation run starts a
 * second JVM and counts lost purges, which must be none.
 */
class CacheProtocolBenchIT {
    @TempDir
    Path dir;

    private JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8)).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertThat(files).hasSize(1);
        return new ObjectMapper().readTree(files.get(0).toFile());
    }

    @Test
    void revalidationComparesA304WithAFullRefetch() throws Exception {
        JsonNode json = run("revalidation", "--page-bytes", "20000", "--requests", "60", "--rounds", "2",
                "--out", dir.toString());
        assertThat(json.get("304").get("medianRps").asDouble()).isPositive();
        assertThat(json.get("full").get("medianRps").asDouble()).isPositive();
        assertThat(json.get("ratio304ToFull").asDouble()).isPositive();
    }

    @Test
    void purgePropagationLosesNoPurge() throws Exception {
        JsonNode json = run("purge-propagation", "--redis", TestServers.redisUrl(), "--purges", "10",
                "--out", dir.toString());
        assertThat(json.get("lost").asInt()).isZero();
        assertThat(json.get("propagation").get("count").asInt()).isEqualTo(10);
    }
}
