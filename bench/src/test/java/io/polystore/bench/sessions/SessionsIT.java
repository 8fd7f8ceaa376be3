package io.polystore.bench.sessions;

import io.polystore.bench.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sessions workload against a real Redis, API and raw Lettuce: no stale or lost session, no index drift. */
class SessionsIT {
    @TempDir
    Path dir;

    @Test
    void apiAndRawRunAndExpiryLeavesNoIndexEntryBehind() throws Exception {
        String redis = TestServers.redisUrl();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = Cli.run(out, err, "sessions", "--store", redis, "--compare", "api,raw", "--threads", "4",
                "--duration", "2", "--warmup", "1", "--rounds", "2", "--ttl", "1", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = Cli.result(out.toString());
        for (String target : new String[] {"api", "raw"}) {
            JsonNode counts = json.get("targets").get(target).get("counts");
            assertThat(counts.get("lookup:found").asLong()).as(target).isPositive();
            counts.fieldNames().forEachRemaining(name -> assertThat(name).as(target).doesNotStartWith("error"));
        }
        assertThat(json.get("apiToRaw").asDouble()).isPositive();
        JsonNode drift = json.get("indexDrift");
        assertThat(drift.get("missing").asLong()).isZero();
        assertThat(drift.get("stale").asLong()).isZero();
    }
}
