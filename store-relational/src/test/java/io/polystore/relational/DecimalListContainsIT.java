package io.polystore.relational;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code contains} on a list of decimals compares by value exactly, as {@code mem:} does: SQLite
 * compared the list's elements as REAL (so 2^53 matched 2^53 + 1) and never matched the exact key.
 */
class DecimalListContainsIT {
    record Prices(@Id String id, List<BigDecimal> prices) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite columns", "sqlite document", "postgres columns", "postgres document", "mariadb columns",
            "mariadb document"})
    void containsComparesDecimalElementsExactly(String target) throws Exception {
        String[] t = target.split(" ");
        String url = switch (t[0]) {
            case "sqlite" -> "jdbc:sqlite:" + Files.createTempDirectory("decimal-list").resolve("db.sqlite");
            case "postgres" -> TestServers.postgresUrl();
            default -> TestServers.mysqlUrl();
        };
        List<Prices> rows = List.of(new Prices("a", List.of(new BigDecimal("1.1"), new BigDecimal("2"))),
                new Prices("b", List.of(new BigDecimal("1.1000000000000001"))),
                new Prices("c", List.of(new BigDecimal("9007199254740993"))));
        try (Polystore db = Polystore.builder().store("db", url, Map.of("schema", "create", "table-prefix", "declist_",
                "layout", t[1])).build();
             Polystore mem = Polystore.builder().store("m", "mem:").build()) {
            Repository<Prices, String> repo = db.repository(Prices.class);
            Repository<Prices, String> reference = mem.repository(Prices.class);
            repo.deleteAll();
            repo.saveAll(rows);
            reference.saveAll(rows);
            for (String operand : List.of("1.10", "1.1000000000000001", "9007199254740992", "9007199254740993", "2.0")) {
                Query q = Query.where(Criteria.contains("prices", new BigDecimal(operand)));
                assertThat(repo.find(q).content()).extracting(Prices::id).as(operand)
                        .isEqualTo(reference.find(q).content().stream().map(Prices::id).toList());
            }
            repo.deleteAll();
        }
    }
}
