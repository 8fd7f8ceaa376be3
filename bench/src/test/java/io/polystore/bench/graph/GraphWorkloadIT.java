package io.polystore.bench.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.bench.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph workload on embedded Neo4j, through the API and through Cypher by hand: both agree, neither errs. */
class GraphWorkloadIT {
    @TempDir
    Path dir;

    @Test
    void apiAndRawAgreeAndRun() throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = Cli.run(out, err, "graph", "--store", "neo4j-embedded:", "--compare", "api,raw", "--users", "1000",
                "--follows", "8", "--threads", "2", "--duration", "2", "--warmup", "1", "--rounds", "2", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out).contains("api and raw agree on 200 sample questions");
        JsonNode json = Cli.result(out.toString());
        for (String target : new String[]{"api", "raw"}) {
            JsonNode counts = json.get("targets").get(target).get("counts");
            assertThat(counts.get("friends:found").asLong()).as(target).isPositive();
            assertThat(counts.get("path:found").asLong()).as(target).isPositive();
            counts.fieldNames().forEachRemaining(name -> assertThat(name).as(target).doesNotStartWith("error"));
        }
        assertThat(json.get("apiToRaw").asDouble()).isPositive();
    }
}
