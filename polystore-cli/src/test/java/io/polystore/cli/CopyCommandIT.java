package io.polystore.cli;

import io.polystore.Copy;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.mapping.EntityModel;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The copy command, run in this JVM as {@code java -cp app.jar:polystore-cli.jar} would run it: on
 * SQLite files and {@code mem:}, and along a chain through every back end the CI services allow.
 */
class CopyCommandIT {
    static final List<String> HOSTILE = List.of("'; DROP TABLE cargo; --", "$1 ${x} {}", "\"quoted\" `back`", "\uD83D\uDE00 emoji",
            "tab\tnew\nline", "back\\slash", "::colons::", "Ünïcödé", "");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PolystoreCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<Cargo> cargo(int n) {
        List<Cargo> out = new ArrayList<>();
        Instant later = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < n; i++) {
            String h = HOSTILE.get(i % HOSTILE.size());
            out.add(new Cargo("c" + i + h.replaceAll("[^A-Za-z]", ""), h + " " + i,
                    i % 5 == 0 ? null : new BigDecimal("12345678901234567890.1234567890").add(BigDecimal.valueOf(i, 2)),
                    i % 3 == 0 ? List.of() : List.of(h, "t" + i), i % 4 == 0 ? Map.of() : Map.of("k", h, "i", "" + i),
                    i % 2 == 0 ? null : "x".repeat(i % 50) + h, i % 6 == 0 ? later.plusMillis(i) : null, 0));
        }
        return out;
    }

    private static <T> Repository<T, Object> repo(Polystore p, String store, Class<T> type) {
        return p.store(store).repository(EntityModel.of(type));
    }

    private Path config(String stores) throws IOException {
        Path file = dir.resolve("polystore.yaml");
        Files.writeString(file, "stores:\n" + stores + "default: a\n");
        return file;
    }

    @Test
    void copiesVerifiesResumesAndDeletesTheSourceOnSqlite() throws IOException {
        Path file = config("  a: { uri: \"jdbc:sqlite:" + dir.resolve("a.db") + "\", options: { schema: create } }\n"
                + "  b: { uri: \"jdbc:sqlite:" + dir.resolve("b.db") + "\", options: { schema: create } }\n");
        List<Cargo> data = cargo(1_234);
        try (Polystore p = Polystore.fromConfig(file)) {
            Repository<Cargo, Object> a = repo(p, "a", Cargo.class);
            a.saveAll(data);
            a.save(a.findById(data.get(7).id()).orElseThrow());   // version 2
            // an interrupted copy: 500 written, then the process "dies"; the checkpoint is where the CLI keeps it
            List<String> checkpoints = new ArrayList<>();
            assertThatThrownBy(() -> p.copy(Cargo.class, "a", "b", Copy.Options.defaults().batchSize(100).progress(pr -> {
                if (pr.checkpoint() != null) {
                    checkpoints.add(pr.checkpoint());
                }
                if (pr.done() >= 500) {
                    throw new IllegalStateException("killed");
                }
            }))).hasMessage("killed");
            Files.writeString(dir.resolve("Cargo.a-b.checkpoint"), checkpoints.get(checkpoints.size() - 1));
            assertThat(repo(p, "b", Cargo.class).count()).isEqualTo(500);
        }
        String cwd = System.getProperty("user.dir");
        Result resumed = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--batch", "100", "--resume", "--checkpoint", dir.resolve("Cargo.a-b.checkpoint").toString(), "--delete-source");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("copied 734 Cargo from 'a' to 'b'").contains("verified: 1234 entities on each side")
                .contains("deleted 1234 from 'a'").contains("done");
        assertThat(dir.resolve("Cargo.a-b.checkpoint")).doesNotExist();
        assertThat(Path.of(cwd)).isEqualTo(Path.of(System.getProperty("user.dir")));
        try (Polystore p = Polystore.fromConfig(file)) {
            assertThat(repo(p, "a", Cargo.class).count()).isZero();
            Repository<Cargo, Object> b = repo(p, "b", Cargo.class);
            assertThat(b.count()).isEqualTo(1_234);
            assertThat(b.findById(data.get(7).id()).orElseThrow().version()).isEqualTo(2);
            for (Cargo c : data.subList(0, 60)) {
                Cargo copied = b.findById(c.id()).orElseThrow();
                assertThat(copied.withVersionOf(c)).isEqualTo(c);
            }
        }
    }

    @Test
    void mistakesAreExplainedWithExitCode2() throws IOException {
        Path file = config("  a: \"mem:a\"\n  b: \"mem:b\"\n");
        Result none = cli();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no command").contains("copy").contains("Usage: polystore");
        assertThat(cli("move").err()).contains("'move'");
        assertThat(cli("move").code()).isEqualTo(2);
        Result missing = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--to=STORE'").contains("Usage: polystore copy");
        Result typo = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--bacth", "5");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown options: '--bacth'").contains("Possible solutions: --batch");
        Result noClass = cli("copy", "--config", file.toString(), "--entity", "com.acme.Nope", "--from", "a", "--to", "b");
        assertThat(noClass.code()).isEqualTo(2);
        assertThat(noClass.err()).contains("com.acme.Nope").contains("-cp");
        Result noStore = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "c");
        assertThat(noStore.code()).isEqualTo(2);
        assertThat(noStore.err()).contains("no store named 'c'");
        Result batch = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--batch", "zero");
        assertThat(batch.code()).isEqualTo(2);
        assertThat(batch.err()).contains("'--batch'").contains("'zero'");
        Result tooBig = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--batch", "100001");
        assertThat(tooBig.code()).isEqualTo(2);
        assertThat(tooBig.err()).contains("'--batch'").contains("'100001'").contains("1 to 100000");
        Result noResume = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--resume", "--checkpoint", dir.resolve("none").toString());
        assertThat(noResume.code()).isEqualTo(2);
        assertThat(noResume.err()).contains("cannot read the checkpoint");
        Result unsafe = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", "a", "--to", "b",
                "--no-verify", "--delete-source");
        assertThat(unsafe.code()).isEqualTo(2);
        assertThat(unsafe.err()).contains("--delete-source needs the verification");
    }

    @Test
    void everyCommandHasHelpVersionAndCompletion() {
        for (String[] args : new String[][]{{"--help"}, {"copy", "--help"}, {"help", "copy"}}) {
            Result help = cli(args);
            assertThat(help.code()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).contains("Usage: polystore").contains("Exit codes:");
        }
        assertThat(cli("copy", "--help").out()).contains("--config=FILE").contains("--delete-source").contains("--resume");
        assertThat(cli("--help").out()).contains("copy").contains("generate-completion");
        for (String[] args : new String[][]{{"--version"}, {"copy", "--version"}, {"-V"}}) {
            Result version = cli(args);
            assertThat(version.code()).as(String.join(" ", args)).isZero();
            // the version the build wrote into store-api, the same one this module is built as
            assertThat(version.out()).as(String.join(" ", args)).startsWith("polystore " + Polystore.version() + "\n")
                    .doesNotContain("unknown");
        }
        Result completion = cli("generate-completion");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("--entity").contains("--checkpoint");
    }

    @Test
    void theProgressBarShowsRateAndTimeLeft() {
        String line = PolystoreCli.ProgressPrinter.line(new Copy.Progress("copy", 2_500, 10_000, "x", Duration.ofSeconds(5)));
        assertThat(line).startsWith("copy    [########----------------------]  25% 2,500/10,000  500/s  ETA 0:15  0:05");
    }

    /** Every ordered pair of the back ends the CI services allow, through the API, each copy verified. */
    @Test
    void everyPairOfBackEndsCopiesTheSameEntities() throws IOException {
        Path file = allStores("pair_", "pair:", "Pair");
        List<String> stores = List.of("a", "postgres", "redis", "couchdb", "neo4j", "mariadb");
        List<Cargo> data = cargo(120);
        int copies = 0;
        try (Polystore p = Polystore.fromConfig(file)) {
            for (String from : stores) {
                for (String s : stores) {
                    repo(p, s, Cargo.class).deleteAll();
                }
                repo(p, from, Cargo.class).saveAll(data);
                for (String to : stores) {
                    if (to.equals(from)) {
                        continue;
                    }
                    Copy.Report r = p.copy(Cargo.class, from, to, Copy.Options.defaults().batchSize(50));
                    assertThat(r.verified()).as("%s -> %s", from, to).isTrue();
                    assertThat(r.copied()).as("%s -> %s", from, to).isEqualTo(120);
                    Cargo sample = data.get(7);
                    assertThat(repo(p, to, Cargo.class).findById(sample.id())).as("%s -> %s", from, to)
                            .isEqualTo(repo(p, from, Cargo.class).findById(sample.id()));
                    copies++;
                }
            }
            for (String s : stores) {
                repo(p, s, Cargo.class).deleteAll();
            }
        }
        assertThat(copies).isEqualTo(30);
    }

    private Path allStores(String tablePrefix, String keyPrefix, String labelPrefix) throws IOException {
        String pg = TestServers.postgresUrl();
        String my = TestServers.mysqlUrl();
        String redis = TestServers.redisUrl();
        String couch = TestServers.couchDbUrl();
        return config(
                "  a: { uri: \"jdbc:sqlite:" + dir.resolve("first.db") + "\", options: { schema: create } }\n"
                        + "  postgres: { uri: \"" + pg + "\", options: { schema: create, table-prefix: \"" + tablePrefix + "\" } }\n"
                        + "  redis: { uri: \"" + redis + "\", options: { key-prefix: \"" + keyPrefix + "\" } }\n"
                        + "  couchdb: \"" + couch + "/" + tablePrefix + "\"\n"
                        + "  neo4j: { uri: \"neo4j-embedded:" + dir.resolve("graph") + "\", options: { label-prefix: \"" + labelPrefix + "\" } }\n"
                        + "  mariadb: { uri: \"" + my + "\", options: { schema: create, layout: document, table-prefix: \"" + tablePrefix + "\" } }\n"
                        + "  last: { uri: \"jdbc:sqlite:" + dir.resolve("last.db") + "\", options: { schema: create } }\n");
    }

    /**
     * Along a chain through every back end: SQLite → PostgreSQL → Redis → CouchDB → Neo4j → MariaDB
     * (JSON documents) → SQLite, each step verified; the last copy equals the first.
     */
    @Test
    void aChainThroughEveryBackEndEndsWhereItBegan() throws IOException {
        Path file = allStores("cli_", "cli:", "Cli");
        List<String> chain = List.of("a", "postgres", "redis", "couchdb", "neo4j", "mariadb", "last");
        List<Cargo> data = cargo(600);
        // the test's own side opens no embedded Neo4j (its directory is new; each start costs seconds): the copy
        // commands below open it, two stores at a time
        List<String> withoutGraph = chain.stream().filter(st -> !st.equals("neo4j")).toList();
        try (Polystore p = Polystore.configBuilder(file).retainStores(withoutGraph).build()) {
            for (String s : withoutGraph) {
                repo(p, s, Cargo.class).deleteAll();   // what an earlier run left on the shared servers
            }
            repo(p, "a", Cargo.class).saveAll(data);
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            Result r = cli("copy", "--config", file.toString(), "--entity", Cargo.class.getName(), "--from", chain.get(i),
                    "--to", chain.get(i + 1), "--batch", "128", "--checkpoint", dir.resolve("chain.checkpoint").toString());
            assertThat(r.code()).as("%s -> %s: %s", chain.get(i), chain.get(i + 1), r.err()).isZero();
            assertThat(r.out()).contains("copied 600 Cargo").contains("verified: 600 entities on each side");
        }
        try (Polystore p = Polystore.configBuilder(file).retainStores(withoutGraph).build()) {
            Repository<Cargo, Object> first = repo(p, "a", Cargo.class);
            Repository<Cargo, Object> last = repo(p, "last", Cargo.class);
            for (Cargo c : data) {
                assertThat(last.findById(c.id())).as(c.id()).isEqualTo(first.findById(c.id()));
            }
            // the remaining time to live travelled too: Redis keeps it as the key's expiry
            Cargo expiring = data.get(0);
            assertThat(repo(p, "redis", Cargo.class).findById(expiring.id()).orElseThrow().until()).isEqualTo(expiring.until());
            for (String s : withoutGraph.subList(1, withoutGraph.size() - 1)) {
                repo(p, s, Cargo.class).deleteAll();
            }
        }
    }
}
