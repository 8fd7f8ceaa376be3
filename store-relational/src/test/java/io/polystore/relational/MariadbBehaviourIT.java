package io.polystore.relational;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MariadbBehaviourIT extends RelationalBehaviourSuite {
    @Override
    protected String url() {
        return TestServers.mysqlUrl();
    }

    record Word(@Id String id, String text) {
    }

    @Test
    void jdbcMysqlUrisWorkThroughTheMariadbDriver() {
        String url = TestServers.mysqlUrl().replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        try (Polystore ps = Polystore.builder().store("db", url, Map.of("schema", "create", "table-prefix", "mysqlscheme_")).build()) {
            Repository<Word, String> words = ps.repository(Word.class);
            words.save(new Word("a ", "trailing space id"));
            words.save(new Word("a", "plain id"));
            assertThat(words.findById("a ")).map(Word::text).contains("trailing space id");
            assertThat(words.findById("a")).map(Word::text).contains("plain id");
            assertThat(words.findById("A")).isEmpty();
            words.deleteAll();
        }
    }
}
