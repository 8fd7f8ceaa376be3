package io.polystore.bench.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.bench.BenchMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sessions workload: usage errors, and a short run on the in-memory store. */
class SessionsTest {
    @TempDir
    Path dir;

    static int cli(StringBuilder out, StringBuilder err, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out.append(o.toString(StandardCharsets.UTF_8));
        err.append(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    /** Runs the command and returns its parsed result file. */
    static JsonNode result(String out) throws Exception {
        Path file = Path.of(out.substring(out.indexOf("result: ") + 8).trim());
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void usageErrorsExitWithTwo() {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(cli(out, err, "sessions")).isEqualTo(2);
        assertThat(err).contains("--store");
        err.setLength(0);
        assertThat(cli(out, err, "sessions", "--store", "mem:", "--compare", "api,raw")).isEqualTo(2);
        assertThat(err).contains("raw sessions baseline");
        err.setLength(0);
        assertThat(cli(out, err, "sessions", "--store", "mem:", "--ttl", "soon")).isEqualTo(2);
        assertThat(err).contains("--ttl").contains("soon");
    }

    @Test
    void aShortRunOnTheInMemoryStoreFindsNoStaleOrLostSession() throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = cli(out, err, "sessions", "--store", "mem:", "--threads", "2", "--duration", "2", "--warmup", "0", "--rounds", "1",
                "--ttl", "1", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = result(out.toString());
        JsonNode counts = json.get("targets").get("api").get("counts");
        assertThat(counts.get("lookup:found").asLong()).isPositive();
        assertThat(counts.get("lookup:gone").asLong()).as("sessions expire during the run").isPositive();
        counts.fieldNames().forEachRemaining(name -> assertThat(name).doesNotStartWith("error"));
        assertThat(json.get("targets").get("api").get("operations").get("lookup").get("p50Micros").asDouble()).isPositive();
    }
}
