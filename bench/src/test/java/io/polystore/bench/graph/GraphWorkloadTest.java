package io.polystore.bench.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.bench.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph workload: the generated graph, usage errors, and a short run on the in-memory store. */
class GraphWorkloadTest {
    @TempDir
    Path dir;

    @Test
    void theSocialGraphIsFixedBySeedDistinctWithoutSelfFollowsAndSkewed() {
        int[][] g = GraphWorkload.socialGraph(2000, 10, 42);
        assertThat(GraphWorkload.socialGraph(2000, 10, 42)).isDeepEqualTo(g);
        int[] followers = new int[2000];
        for (int u = 0; u < g.length; u++) {
            assertThat(g[u]).hasSize(10).doesNotContain(u);
            Set<Integer> distinct = new HashSet<>();
            for (int v : g[u]) {
                distinct.add(v);
                followers[v]++;
            }
            assertThat(distinct).hasSize(10);
        }
        int[] sorted = followers.clone();
        Arrays.sort(sorted);
        int top = sorted[sorted.length - 1];
        int median = sorted[sorted.length / 2];
        // zipfian popularity: the most followed person has far more followers than the typical one (uniform: ~25 vs 10)
        assertThat(top).isGreaterThan(20 * Math.max(1, median));
    }

    @Test
    void usageErrorsExitWithTwo() {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(Cli.run(out, err, "graph")).isEqualTo(2);
        assertThat(err).contains("--store");
        err.setLength(0);
        assertThat(Cli.run(out, err, "graph", "--store", "mem:", "--compare", "api,raw")).isEqualTo(2);
        assertThat(err).contains("raw graph baseline");
        err.setLength(0);
        assertThat(Cli.run(out, err, "graph", "--store", "mem:", "--users", "10", "--follows", "10")).isEqualTo(2);
        assertThat(err).contains("--follows");
        err.setLength(0);
        assertThat(Cli.run(out, err, "graph", "--store", "mem:", "--depth", "3")).isEqualTo(2);
        assertThat(err).contains("Unknown options: '--depth'");
    }

    @Test
    void aShortRunOnTheInMemoryStoreAnswersEveryKindOfQuestion() throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = Cli.run(out, err, "graph", "--store", "mem:", "--users", "500", "--follows", "5", "--threads", "2",
                "--duration", "1", "--warmup", "0", "--rounds", "1", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = Cli.result(out.toString());
        JsonNode api = json.get("targets").get("api");
        assertThat(api.get("counts").get("friends:found").asLong()).isPositive();
        assertThat(api.get("counts").get("friends-of-friends:found").asLong()).isPositive();
        assertThat(api.get("counts").get("path:found").asLong()).isPositive();
        api.get("counts").fieldNames().forEachRemaining(name -> assertThat(name).doesNotStartWith("error"));
        assertThat(api.get("operations").get("shortest-path").get("p50Micros").asDouble()).isPositive();
    }
}
