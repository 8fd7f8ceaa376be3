package io.polystore.bench.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.bench.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The page cache commands: usage errors, and a short self-hosted http workload end to end. */
class HttpCommandsTest {
    @TempDir
    Path dir;


    @Test
    void usageErrorsExitWithTwo() {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(Cli.run(out, err, "http")).isEqualTo(2);
        assertThat(err).contains("--url").contains("--self");
        err.setLength(0);
        assertThat(Cli.run(out, err, "http", "--url", "http://x/a")).isEqualTo(2);
        assertThat(err).contains("{n}");
        err.setLength(0);
        assertThat(Cli.run(out, err, "http", "--self", "--distribution", "pareto")).isEqualTo(2);
        assertThat(err).contains("pareto");
        err.setLength(0);
        assertThat(Cli.run(out, err, "pages", "--targets", "plain,varnish")).isEqualTo(2);
        assertThat(err).contains("unknown pages target 'varnish'");
        err.setLength(0);
        assertThat(Cli.run(out, err, "pages", "--targets", "l2")).isEqualTo(2);
        assertThat(err).contains("--redis");
    }

    @Test
    void aSelfHostedRunCountsEveryAnswerByTier() throws Exception {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = Cli.run(out, err, "http", "--self", "--urls", "500", "--threads", "4", "--duration", "2", "--warmup", "0",
                "--l1-bytes", "64000000", "--render-ms", "1", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = Cli.result(out.toString());
        assertThat(json.get("benchmark").asText()).isEqualTo("page-cache-http");
        JsonNode outcomes = json.get("outcomes");
        assertThat(outcomes.has("HIT-L1")).isTrue();
        assertThat(outcomes.has("MISS")).isTrue();
        long total = 0;
        double share = 0;
        for (JsonNode o : outcomes) {
            total += o.get("requests").asLong();
            share += o.get("share").asDouble();
        }
        assertThat(total).isPositive();
        assertThat(share).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
        // with room for every page and one render per cold URL, 500 URLs cannot cost more than 500 renders
        java.util.regex.Matcher renders = java.util.regex.Pattern.compile("renders=(\\d+)")
                .matcher(json.get("cacheStats").asText());
        assertThat(renders.find()).isTrue();
        assertThat(Long.parseLong(renders.group(1))).isPositive().isLessThanOrEqualTo(500);
        assertThat(json.get("errors").size()).isZero();
    }
}
