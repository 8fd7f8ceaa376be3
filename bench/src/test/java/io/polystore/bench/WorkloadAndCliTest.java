package io.polystore.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadAndCliTest {
    @TempDir
    Path dir;

    @Test
    void builtInWorkloadsHaveYcsbMixes() {
        Workload a = Workload.load("a", Map.of());
        assertThat(a.read()).isEqualTo(0.5);
        assertThat(a.update()).isEqualTo(0.5);
        assertThat(a.requestDistribution()).isEqualTo("zipfian");
        assertThat(Workload.load("workloadd", Map.of()).requestDistribution()).isEqualTo("latest");
        assertThat(Workload.load("E", Map.of()).scan()).isEqualTo(0.95);
        assertThat(Workload.load("f", Map.of()).readModifyWrite()).isEqualTo(0.5);
    }

    @Test
    void overridesAndFilesUseYcsbPropertyNames() throws Exception {
        Path file = dir.resolve("mine.properties");
        Files.writeString(file, "recordcount=50\noperationcount=70\nreadproportion=1\nupdateproportion=0\n");
        Workload w = Workload.load(file.toString(), Map.of("threadcount", "3", "duration", "2s"));
        assertThat(w.recordCount()).isEqualTo(50);
        assertThat(w.operationCount()).isEqualTo(70);
        assertThat(w.threads()).isEqualTo(3);
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(w.name()).isEqualTo("mine.properties");
    }

    @Test
    void badWorkloadsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Workload.load("z", Map.of())).isInstanceOf(BenchException.class)
                .hasMessageContaining("unknown workload 'z'");
        assertThatThrownBy(() -> Workload.load("a", Map.of("recordcont", "5"))).isInstanceOf(BenchException.class)
                .hasMessageContaining("unknown workload property 'recordcont'").hasMessageContaining("recordcount");
        assertThatThrownBy(() -> Workload.load("a", Map.of("recordcount", "many"))).isInstanceOf(BenchException.class)
                .hasMessageContaining("recordcount").hasMessageContaining("'many'");
        assertThatThrownBy(() -> Workload.load("a", Map.of("readproportion", "0.9"))).isInstanceOf(BenchException.class)
                .hasMessageContaining("add up to 1");
        assertThatThrownBy(() -> Workload.load("a", Map.of("requestdistribution", "normal"))).isInstanceOf(BenchException.class)
                .hasMessageContaining("normal");
        assertThatThrownBy(() -> Workload.load("q", Map.of("queryindexed", "yes"))).isInstanceOf(BenchException.class)
                .hasMessageContaining("queryindexed must be true or false").hasMessageContaining("'yes'");
        assertThat(Workload.load("qi", Map.of()).queryIndexed()).isTrue();
        assertThat(Workload.load("q", Map.of()).queryIndexed()).isFalse();
    }

    private int cli(StringBuilder err, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        err.append(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void cliErrorsExitWithTwoAndSayWhatIsWrong() {
        StringBuilder err = new StringBuilder();
        assertThat(cli(err)).isEqualTo(2);
        assertThat(err).contains("no command").contains("Usage: polystore-bench");
        err.setLength(0);
        assertThat(cli(err, "run", "--workload", "nope")).isEqualTo(2);
        assertThat(err).contains("unknown workload 'nope'");
        err.setLength(0);
        assertThat(cli(err, "run", "--store", "foo://x")).isEqualTo(2);
        assertThat(err).contains("unknown URI scheme 'foo'");
        err.setLength(0);
        assertThat(cli(err, "run", "-p", "threadcount=zero")).isEqualTo(2);
        assertThat(err).contains("threadcount").contains("'zero'");
        err.setLength(0);
        assertThat(cli(err, "run", "--compare", "api,raw")).isEqualTo(2);
        assertThat(err).contains("no raw-driver baseline for 'mem'");
        err.setLength(0);
        assertThat(cli(err, "run", "--bogus")).isEqualTo(2);
        assertThat(err).contains("Unknown option: '--bogus'").contains("Usage: polystore-bench run");
    }

    @Test
    void everyCommandHasHelpAndVersionAndTheShellGetsCompletion() {
        List<String> commands = List.of("run", "compare", "pages", "sessions", "graph", "http", "purge-propagation",
                "revalidation", "top", "copy");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(Cli.run(out, err, "--help")).isZero();
        for (String c : commands) {
            assertThat(out).as("the command list").contains("  " + c + " ");
        }
        for (String c : commands) {
            out.setLength(0);
            assertThat(Cli.run(out, err, c, "--help")).as(c).isZero();
            assertThat(out).as(c).contains("Usage: polystore-bench " + c).contains("--version");
            out.setLength(0);
            assertThat(Cli.run(out, err, "help", c)).as(c).isZero();
            assertThat(out).as(c).contains("Usage: polystore-bench " + c);
            out.setLength(0);
            assertThat(Cli.run(out, err, c, "--version")).as(c).isZero();
            assertThat(out.toString()).as(c).startsWith("polystore-bench " + io.polystore.Polystore.version() + "\n")
                    .doesNotContain("unknown");
        }
        out.setLength(0);
        assertThat(Cli.run(out, err, "run", "--help")).isZero();
        assertThat(out).contains("--store=URI").contains("raw-lettuce").contains("-p=KEY=VALUE");
        out.setLength(0);
        assertThat(Cli.run(out, err, "generate-completion")).isZero();
        assertThat(out).contains("complete -F").contains("purge-propagation").contains("--page-bytes");
        assertThat(err).isEmpty();
    }

    @Test
    void optionValuesAreCheckedAndNamed() {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(Cli.run(out, err, "copy", "--from", "mem:", "--to", "jdbc:sqlite:x.db")).isEqualTo(2);
        assertThat(err).contains("not jdbc:sqlite").contains("Usage: polystore-bench copy");
        err.setLength(0);
        assertThat(Cli.run(out, err, "copy", "--from", "mem:", "--to", "redis://x", "--records", "-5")).isEqualTo(2);
        assertThat(err).contains("'--records'").contains("'-5' is not a positive whole number");
        err.setLength(0);
        assertThat(Cli.run(out, err, "copy", "--to", "redis://x")).isEqualTo(2);
        assertThat(err).contains("Missing required option: '--from=URI'");
        err.setLength(0);
        assertThat(Cli.run(out, err, "top", "--store", "jdbc:sqlite:x.db")).isEqualTo(2);
        assertThat(err).contains("not on jdbc:sqlite");
        err.setLength(0);
        assertThat(Cli.run(out, err, "pages", "--duration", "10 minutes")).isEqualTo(2);
        assertThat(err).contains("'--duration'").contains("'10 minutes' is not whole seconds");
        err.setLength(0);
        assertThat(Cli.run(out, err, "purge-propagation")).isEqualTo(2);
        assertThat(err).contains("needs --redis");
        err.setLength(0);
        assertThat(Cli.run(out, err, "compare", "one.json")).isEqualTo(2);
        assertThat(err).contains("AFTER.json");
        err.setLength(0);
        assertThat(Cli.run(out, err, "run", "-o", "pool-size")).isEqualTo(2);
        assertThat(err).contains("-o").contains("KEY=VALUE").contains("pool-size");
    }
}
