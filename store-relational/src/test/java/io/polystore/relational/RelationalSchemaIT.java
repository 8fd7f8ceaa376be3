package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.testkit.TestServers;
import io.polystore.testkit.model.Person;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DDL handed to Flyway or Liquibase is what schema=validate then accepts. */
class RelationalSchemaIT {

    @Test
    void theDdlForEachDatabaseCreatesTheTableAndIndexes() {
        List<String> pg = RelationalSchema.createStatements("jdbc:postgresql:", Person.class, "app_");
        assertThat(pg.get(0)).startsWith("CREATE TABLE IF NOT EXISTS \"app_person\"").contains("\"id\" text COLLATE \"C\" NOT NULL PRIMARY KEY")
                .contains("\"address\" jsonb").contains("\"created_at\" timestamptz");
        assertThat(pg).anyMatch(s -> s.contains("CREATE INDEX") && s.contains("\"name\""));
        List<String> maria = RelationalSchema.createStatements("jdbc:mariadb://h/db", Person.class, "");
        assertThat(maria.get(0)).contains("`name` VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
                .contains("ENGINE=InnoDB");
        assertThat(RelationalSchema.createStatements("jdbc:mysql:", Person.class, "").get(0)).contains("utf8mb4_0900_bin");
        assertThatThrownBy(() -> RelationalSchema.createStatements("redis://x", Person.class, ""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a relational URI");
    }

    @Test
    void aSchemaMadeFromTheDdlPassesValidation() throws Exception {
        String url = "jdbc:sqlite:" + TestServers.sqliteFile("ddl.db");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (String ddl : RelationalSchema.createStatements(url, Person.class, "mig_")) {
                st.execute(ddl);
            }
        }
        try (Polystore ps = Polystore.builder().store("db", url, Map.of("schema", "validate", "table-prefix", "mig_"))
                .route(Person.class, "db").build()) {
            ps.repository(Person.class).save(Person.simple("x", "X", 1));
            assertThat(ps.repository(Person.class).count()).isEqualTo(1);
        }
    }
}
