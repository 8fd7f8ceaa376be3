package io.polystore.bench;

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

/** Two short runs on the in-memory store: each writes JSON, CSV and HTML, and compare reports the change of every median. */
class CompareAndCsvTest {
    @TempDir
    Path dir;

    private static int run(StringBuilder out, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out.append(o.toString(StandardCharsets.UTF_8)).append(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void resultsComeAsJsonAndCsvAndCanBeCompared() throws Exception {
        for (String name : List.of("one", "two")) {
            StringBuilder out = new StringBuilder();
            assertThat(run(out, "run", "--workload", "a", "--threads", "2", "-p", "recordcount=200", "-p", "operationcount=500",
                    "-p", "warmup=0s", "-p", "rounds=2", "--out", dir.resolve(name).toString())).as(out.toString()).isZero();
            // the JVM's CPU time per operation, per target (mem: has no raw baseline, so no ratio)
            assertThat(out.toString()).containsPattern("CPU time of this JVM per operation .*: api \\d+\\.\\d us");
        }
        Path first;
        Path second;
        try (Stream<Path> a = Files.list(dir.resolve("one")); Stream<Path> b = Files.list(dir.resolve("two"))) {
            List<Path> one = a.sorted().toList();
            List<Path> two = b.sorted().toList();
            assertThat(one).extracting(p -> p.getFileName().toString().replaceAll(".*\\.", "")).containsExactly("csv", "html", "json");
            String html = Files.readString(one.get(1));
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline").contains("<rect")
                    .contains("workloada").contains("<th>CPU µs/op</th>").doesNotContain("<script");
            List<String> csv = Files.readAllLines(one.get(0));
            assertThat(csv.get(0)).startsWith("target,round,operation,count,p50_us");
            assertThat(csv).hasSize(1 + 2 * 2); // a header, then 2 rounds x (read, update)
            long counted = csv.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[3])).sum();
            assertThat(counted).isEqualTo(2 * 500);
            assertThat(csv.get(0)).endsWith(",cpu_us_per_op");
            assertThat(csv.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1))))
                    .allMatch(cpu -> cpu > 0);
            first = one.get(2);
            second = two.get(2);
        }
        StringBuilder out = new StringBuilder();
        assertThat(run(out, "compare", first.toString(), second.toString())).isZero();
        assertThat(out.toString()).contains("ops/s median").contains("read p99 us").contains("update p50 us").contains("%")
                .contains("cpu us/op");
        StringBuilder bad = new StringBuilder();
        assertThat(run(bad, "compare", first.toString(), dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(bad.toString()).contains("no result file");
    }
}
