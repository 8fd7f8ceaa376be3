package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreException;
import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code layout: document}: the table's shape, the JSON in it, and queries into it. */
class DocumentLayoutIT {
    record Address(String city, String zip) {
    }

    record Note(@Id String id, @Version long version, @Indexed String title, int stars, Address address, List<String> tags,
                Instant createdAt) {
    }

    @Test
    void postgresKeepsTheFieldsAsOneJsonbDocument() throws Exception {
        String url = TestServers.postgresUrl();
        try (Polystore p = Polystore.builder().store("db", url, Map.of("schema", "create", "table-prefix", "layout_",
                "layout", "document")).build()) {
            Repository<Note, String> notes = p.repository(Note.class);
            notes.deleteAll();
            Instant t = Instant.parse("2026-11-24T00:00:00.123456Z");
            notes.saveAll(List.of(new Note("a", 0, "Alpha 'quoted' {} $x 😀", 5, new Address("Lyon", "69001"), List.of("x", "y"), t),
                    new Note("b", 0, "Beta", 3, new Address("Paris", "75001"), List.of("y"), t.plusSeconds(60))));
            assertThat(columns(url, "layout_note")).containsExactly("id:text", "version:bigint", "created_at:timestamp with time zone",
                    "doc:jsonb", "title:text");
            try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement()
                    .executeQuery("SELECT doc ->> 'title', doc #>> '{address,city}', jsonb_typeof(doc -> 'stars') FROM layout_note WHERE id = 'a'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Alpha 'quoted' {} $x 😀");
                assertThat(rs.getString(2)).isEqualTo("Lyon");
                assertThat(rs.getString(3)).isEqualTo("number");
            }
            assertThat(notes.find(Query.where(Criteria.eq("address.city", "Paris"))).content()).extracting(Note::id).containsExactly("b");
            assertThat(notes.find(Query.where(Criteria.gt("stars", 4))).content()).extracting(Note::id).containsExactly("a");
            assertThat(notes.find(Query.where(Criteria.contains("tags", "y")).orderBy(Sort.desc("createdAt"))).content())
                    .extracting(Note::id).containsExactly("b", "a");
            Note a = notes.findById("a").orElseThrow();
            assertThat(a.version()).isEqualTo(1);
            assertThat(a.createdAt()).isEqualTo(t);
            assertThat(a.address()).isEqualTo(new Address("Lyon", "69001"));
        }
    }

    enum Plan { FREE, PAID }

    @Entity("person")
    record Person(@Id String id, @Indexed String email, @Indexed long age, @Indexed Boolean active, @Indexed Plan plan,
                  String bio) {
    }

    /** The same table before its fields were indexed. */
    @Entity("person")
    record PersonBefore(@Id String id, String email, long age, Boolean active, Plan plan, String bio) {
    }

    private static String url(String database) {
        return switch (database) {
            case "sqlite" -> "jdbc:sqlite:" + TestServers.sqliteFile("generated.db");
            case "postgres" -> TestServers.postgresUrl();
            default -> TestServers.mysqlUrl();
        };
    }

    private static Polystore store(String url) {
        return Polystore.builder().store("db", url, Map.of("schema", "create", "table-prefix", "gen_", "layout", "document")).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres", "mariadb"})
    void indexedFieldsInTheDocumentAreQueriedThroughAGeneratedIndexedColumn(String database) throws Exception {
        String url = url(database);
        dropTable(url, "gen_person");
        String hostile = "o'neil'; DROP TABLE gen_person; -- {} $x \\ \" 😀";
        try (Polystore p = store(url)) {
            Repository<PersonBefore, String> before = p.repository(PersonBefore.class);
            before.saveAll(List.of(new PersonBefore("1", hostile, 41, true, Plan.PAID, "first"),
                    new PersonBefore("2", "b@example.com", 29, false, Plan.FREE, "second"),
                    new PersonBefore("3", null, 35, null, null, "third")));
        }
        // reopened with the fields indexed: the columns are added and computed for the rows already there
        try (Polystore p = store(url)) {
            Repository<Person, String> people = p.repository(Person.class);
            assertThat(indexes(url, "gen_person")).contains("ix_gen_person_email", "ix_gen_person_age", "ix_gen_person_plan");
            assertThat(people.find(Query.where(Criteria.eq("email", hostile))).content()).extracting(Person::id).containsExactly("1");
            assertThat(people.find(Query.where(Criteria.gt("age", 30)).orderBy(Sort.desc("age"))).content())
                    .extracting(Person::id).containsExactly("1", "3");
            assertThat(people.find(Query.where(Criteria.eq("plan", Plan.FREE))).content()).extracting(Person::id).containsExactly("2");
            assertThat(people.find(Query.where(Criteria.eq("active", true))).content()).extracting(Person::id).containsExactly("1");
            assertThat(people.find(Query.where(Criteria.isNull("email"))).content()).extracting(Person::id).containsExactly("3");
            assertThat(people.find(Query.all().orderBy(Sort.asc("email"))).content()).extracting(Person::id)
                    .containsExactly("3", "2", "1"); // nulls first, then code point order ('b' < 'o')

            // the database keeps the column in step with the document on every write
            people.save(new Person("1", "new@example.com", 42, false, Plan.FREE, "first"));
            assertThat(people.count(Query.where(Criteria.eq("email", hostile)))).isZero();
            assertThat(people.find(Query.where(Criteria.eq("email", "new@example.com"))).content()).extracting(Person::age)
                    .containsExactly(42L);
            assertThat(sqlIds(url, "SELECT id FROM gen_person WHERE email = ?", "new@example.com")).containsExactly("1");
            assertThat(people.findById("1").orElseThrow().bio()).isEqualTo("first");

            // an indexed value of any length on MariaDB (which indexes a prefix of it) and SQLite; PostgreSQL's
            // B-tree refuses entries over ~2.7 kB: a clear error, and nothing written
            String megabyte = "é".repeat(1 << 19) + "'; DROP TABLE gen_person; --";
            Person big = new Person("4", megabyte, 50, true, Plan.PAID, "fourth");
            if (database.equals("postgres")) {
                assertThatThrownBy(() -> people.save(big)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("@Indexed").hasMessageContaining("B-tree");
                assertThat(people.findById("4")).isEmpty();
            } else {
                people.save(big);
                assertThat(people.find(Query.where(Criteria.eq("email", megabyte))).content()).extracting(Person::id).containsExactly("4");
                assertThat(people.count(Query.where(Criteria.eq("email", megabyte.substring(0, 1000))))).isZero();
                people.deleteById("4");
            }

            // the document is still the one copy of every field
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                String extract = database.equals("postgres") ? "doc ->> 'email'"
                        : database.equals("sqlite") ? "json_extract(doc, '$.email')" : "JSON_VALUE(doc, '$.email')";
                try (ResultSet rs = st.executeQuery("SELECT " + extract + " FROM gen_person WHERE id = '1'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("new@example.com");
                }
            }
            assertThat(plan(database, url)).contains("ix_gen_person_email");
        }
        // and reopened without the indexes, nothing is lost: the generated columns are simply not used
        try (Polystore p = store(url)) {
            Repository<PersonBefore, String> before = p.repository(PersonBefore.class);
            assertThat(before.findById("1").orElseThrow()).isEqualTo(new PersonBefore("1", "new@example.com", 42, false, Plan.FREE, "first"));
            before.save(new PersonBefore("2", "c@example.com", 30, true, Plan.PAID, "second"));
            assertThat(sqlIds(url, "SELECT id FROM gen_person WHERE email = ?", "c@example.com")).containsExactly("2");
        }
    }

    /** The query plan of an equality on the generated column, with sequential scans discouraged. */
    private static String plan(String database, String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            String explain = (database.equals("sqlite") ? "EXPLAIN QUERY PLAN" : "EXPLAIN")
                    + " SELECT id FROM gen_person WHERE email = 'x'";
            if (database.equals("postgres")) {
                st.execute("SET enable_seqscan = off");
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery(explain)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        out.append(rs.getString(i)).append(' ');
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        }
    }

    private static void dropTable(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private static List<String> sqlIds(String url, String sql, String value) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static List<String> indexes(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), c.getSchema(), table, false, false)) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                if (rs.getString("INDEX_NAME") != null) {
                    out.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
            return out;
        }
    }

    @Test
    void anUnknownLayoutIsAConfigurationErrorNamingTheChoices() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("layout", "documents");
        assertThatThrownBy(() -> Polystore.builder().store("db", "jdbc:sqlite:" + TestServers.sqliteFile("layout.db"), options).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("layout").hasMessageContaining("document");
    }

    private static List<String> columns(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '" + table
                        + "' ORDER BY ordinal_position")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getString(2));
            }
            return out;
        }
    }
}
