package io.polystore.bench.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.bench.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sessions workload: usage errors, and a short run on the in-memory store. */
class SessionsTest {
    @TempDir
    Path dir;



    @Test
    void usageErrorsExitWithTwo() {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(Cli.run(out, err, "sessions")).isEqualTo(2);
        assertThat(err).contains("--store");
        err.setLength(0);
        assertThat(Cli.run(out, err, "sessions", "--store", "mem:", "--compare", "api,raw")).isEqualTo(2);
        assertThat(err).contains("raw sessions baseline");
        err.setLength(0);
        assertThat(Cli.run(out, err, "sessions", "--store", "mem:", "--ttl", "soon")).isEqualTo(2);
        assertThat(err).contains("--ttl").contains("soon");
    }

    @Test
    void aShortRunOnTheInMemoryStoreFindsNoStaleOrLostSession() throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = Cli.run(out, err, "sessions", "--store", "mem:", "--threads", "2", "--duration", "2", "--warmup", "0", "--rounds", "1",
                "--ttl", "1", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = Cli.result(out.toString());
        JsonNode counts = json.get("targets").get("api").get("counts");
        assertThat(counts.get("lookup:found").asLong()).isPositive();
        assertThat(counts.get("lookup:gone").asLong()).as("sessions expire during the run").isPositive();
        counts.fieldNames().forEachRemaining(name -> assertThat(name).doesNotStartWith("error"));
        assertThat(json.get("targets").get("api").get("operations").get("lookup").get("p50Micros").asDouble()).isPositive();
    }
}
