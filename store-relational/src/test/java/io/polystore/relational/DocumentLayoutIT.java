package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
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
                    "doc:jsonb");
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
