package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.OptimisticLockException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.Transactional;
import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.polystore.query.Criteria.ge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the relational back end must do beyond the conformance suite, on each database: upsert,
 * keyset paging over many ties, type round trips checked in the raw table, schema create/validate.
 */
abstract class RelationalBehaviourSuite {

    /** The JDBC URL of the database under test. */
    protected abstract String url();

    private final List<String> prefixes = new ArrayList<>();

    /** A unique table prefix for one test, so tests never see each other's tables; dropped after the test. */
    private String prefix() {
        String p = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        prefixes.add(p);
        return p;
    }

    @AfterEach
    void dropTables() throws SQLException {
        if (prefixes.isEmpty()) {
            return;
        }
        try (Connection c = raw(); Statement st = c.createStatement()) {
            for (String p : prefixes) {
                for (String table : List.of("row", "acct")) {
                    st.execute("DROP TABLE IF EXISTS " + p + table);
                }
            }
        }
    }

    private Polystore open(String prefix, Map<String, String> options) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("table-prefix", prefix, "schema", "create"));
        all.putAll(options);
        return Polystore.builder().store("db", url(), all).build();
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection(url());
    }

    @Entity("row")
    record Row(@Id String id, @Indexed int bucket, String text, BigDecimal amount, Instant at, OffsetDateTime local) {
    }

    @Entity("row")
    record RowV2(@Id String id, @Indexed int bucket, String text, BigDecimal amount, Instant at, OffsetDateTime local,
                 String added) {
    }

    @Entity("acct")
    record Account(@Id String id, @Version long version, long balance) {
    }

    @Test
    void aTableMadeInsideATransactionOutlivesItsRollbackAndDoesNotCommitIt() {
        String p = prefix();
        try (Polystore ps = open(p, Map.of())) {
            io.polystore.Transactional tx = ps.store("db").capability(io.polystore.Transactional.class);
            Repository<Account, String> accounts = ps.repository(Account.class);
            assertThatThrownBy(() -> tx.runInTransaction(() -> {
                accounts.save(new Account("before", 0, 1));
                Repository<Row, String> rows = ps.repository(Row.class); // first use: its table is made now
                rows.save(new Row("r", 1, "inside", BigDecimal.ONE, Instant.EPOCH, null));
                throw new IllegalStateException("roll back");
            })).hasMessage("roll back");
            assertThat(accounts.existsById("before")).as("the DDL did not commit the caller's transaction").isFalse();
            Repository<Row, String> rows = ps.repository(Row.class);
            assertThat(rows.findById("r")).as("the row was rolled back").isEmpty();
            rows.save(new Row("after", 2, "outside", BigDecimal.TEN, Instant.EPOCH, null));
            assertThat(rows.count()).as("the table outlived the rollback").isEqualTo(1);
        }
    }

    @Test
    void upsertReplacesTheRowInPlace() throws SQLException {
        String p = prefix();
        try (Polystore ps = open(p, Map.of())) {
            Repository<Row, String> rows = ps.repository(Row.class);
            rows.save(new Row("a", 1, "first", BigDecimal.ONE, Instant.EPOCH, null));
            rows.save(new Row("a", 2, "second", BigDecimal.TEN, Instant.EPOCH, null));
            try (Connection c = raw(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(text), MAX(bucket) FROM " + p + "row")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("second");
                assertThat(rs.getInt(3)).isEqualTo(2);
            }
        }
    }

    @Test
    void typedColumnsHoldTheValuesAUserWouldQueryBySql() throws SQLException {
        String p = prefix();
        Instant at = Instant.parse("2024-02-29T23:59:59.123456Z");
        try (Polystore ps = open(p, Map.of())) {
            ps.repository(Row.class).save(new Row("a", 7, "x", new BigDecimal("12.50"), at,
                    OffsetDateTime.parse("2024-03-01T05:29:59.123456+05:30")));
            try (Connection c = raw(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT bucket, amount, local__offset FROM " + p + "row WHERE id = 'a'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(7);
                assertThat(new BigDecimal(rs.getString(2))).isEqualByComparingTo("12.5");
                assertThat(rs.getInt(3)).isEqualTo(5 * 3600 + 30 * 60);
            }
            assertThat(ps.repository(Row.class).findById("a")).map(Row::at).contains(at);
            assertThat(ps.repository(Row.class).findById("a").orElseThrow().local())
                    .isEqualTo(OffsetDateTime.parse("2024-03-01T05:29:59.123456+05:30"));
        }
    }

    @Test
    void keysetPagingOverManyTiesVisitsEveryRowOnceInOrder() {
        String p = prefix();
        try (Polystore ps = open(p, Map.of())) {
            Repository<Row, String> rows = ps.repository(Row.class);
            Random random = new Random(42);
            List<Row> all = IntStream.range(0, 1_000).mapToObj(i -> new Row(String.format("r%04d", i), random.nextInt(7),
                    random.nextInt(5) == 0 ? null : "t" + random.nextInt(30), null, Instant.EPOCH, null)).toList();
            rows.saveAll(all);
            for (boolean asc : new boolean[]{true, false}) {
                Query q = Query.where(ge("bucket", 1)).orderBy(asc ? Sort.asc("text") : Sort.desc("text"), Sort.desc("bucket")).limit(37);
                List<String> seen = new ArrayList<>();
                Page<Row> page = rows.find(q);
                seen.addAll(page.content().stream().map(Row::id).toList());
                while (page.hasNext()) {
                    page = rows.find(q.after(page.next().orElseThrow()));
                    seen.addAll(page.content().stream().map(Row::id).toList());
                }
                Comparator<String> text = Comparator.nullsFirst(Comparator.<String>naturalOrder());
                Comparator<Row> order = (asc ? Comparator.comparing(Row::text, text) : Comparator.comparing(Row::text, text).reversed())
                        .thenComparing(Comparator.comparingInt(Row::bucket).reversed()).thenComparing(Row::id);
                List<String> expected = all.stream().filter(r -> r.bucket() >= 1).sorted(order).map(Row::id).toList();
                assertThat(seen).as(asc ? "ascending" : "descending").containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void schemaValidateNamesAMissingTable() {
        url(); // skips here (not inside the assertion) when the server is unavailable
        String p = prefix();
        assertThatThrownBy(() -> {
            try (Polystore ps = open(p, Map.of("schema", "validate"))) {
                ps.repository(Row.class);
            }
        }).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("table \"" + p + "row\"").hasMessageContaining("does not exist")
                .hasMessageContaining("schema=validate");
    }

    @Test
    void schemaValidateNamesAMissingColumnAndCreateAddsIt() {
        url();
        String p = prefix();
        try (Polystore ps = open(p, Map.of())) {
            ps.repository(Row.class).save(new Row("old", 1, "from v1", null, Instant.EPOCH, null));
        }
        assertThatThrownBy(() -> {
            try (Polystore ps = open(p, Map.of("schema", "validate"))) {
                ps.repository(RowV2.class);
            }
        }).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("table \"" + p + "row\" has no column \"added\"")
                .hasMessageContaining("RowV2.added");
        try (Polystore ps = open(p, Map.of("schema", "create"))) {
            Repository<RowV2, String> rows = ps.repository(RowV2.class);
            assertThat(rows.findById("old")).map(RowV2::added).isEmpty();
            assertThat(rows.findById("old")).map(RowV2::text).contains("from v1");
            rows.save(new RowV2("new", 2, "v2", null, Instant.EPOCH, null, "added"));
            assertThat(rows.findById("new")).map(RowV2::added).contains("added");
        }
        try (Polystore ps = open(p, Map.of("schema", "validate"))) {
            assertThat(ps.repository(RowV2.class).count()).isEqualTo(2);
        }
    }

    @Test
    void schemaNoneLeavesTheDatabaseAlone() throws SQLException {
        String p = prefix();
        try (Polystore ps = open(p, Map.of("schema", "none"))) {
            Repository<Row, String> rows = ps.repository(Row.class);
            assertThatThrownBy(rows::count).isInstanceOf(io.polystore.StoreException.class).hasMessageContaining(p + "row");
        }
        try (Connection c = raw()) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), p + "row", null)) {
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void transfersInTransactionsKeepTheTotal() throws Exception {
        String p = prefix();
        try (Polystore ps = open(p, Map.of())) {
            Repository<Account, String> accounts = ps.repository(Account.class);
            Transactional tx = accounts.capability(Transactional.class);
            accounts.saveAll(List.of(new Account("a", 0, 1_000), new Account("b", 0, 1_000)));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        while (true) {
                            try {
                                tx.runInTransaction(() -> {
                                    Account a = accounts.findById("a").orElseThrow();
                                    Account b = accounts.findById("b").orElseThrow();
                                    accounts.save(new Account("a", a.version(), a.balance() - 1));
                                    accounts.save(new Account("b", b.version(), b.balance() + 1));
                                });
                                break;
                            } catch (OptimisticLockException e) {
                                // a concurrent transfer won: retry
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(accounts.findById("a").orElseThrow().balance()).isEqualTo(900);
            assertThat(accounts.findById("b").orElseThrow().balance()).isEqualTo(1_100);
        }
    }

    @Test
    void unknownOptionsAndBadValuesAreRefusedNamingTheKey() {
        url(); // skips here (not inside the assertion) when the server is unavailable
        assertThatThrownBy(() -> open(prefix(), Map.of("pool-sise", "3")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.db.options.pool-sise")
                .hasMessageContaining("pool-size");
        assertThatThrownBy(() -> open(prefix(), Map.of("schema", "drop")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.db.options.schema")
                .hasMessageContaining("'drop'").hasMessageContaining("create");
        assertThatThrownBy(() -> open("Bad-Prefix", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("table-prefix");
    }
}
