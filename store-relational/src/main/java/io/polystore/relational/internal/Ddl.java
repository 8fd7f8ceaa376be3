package io.polystore.relational.internal;

import io.polystore.ConfigurationException;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.StoreConfig;

import java.util.List;

/** Entry point for {@link io.polystore.relational.RelationalSchema}: DDL without a connection. */
public final class Ddl {
    private Ddl() {
    }

    /**
     * @param jdbcUri     a URI whose scheme names the database kind
     * @param model       the entity
     * @param tablePrefix the table prefix
     * @return the statements
     */
    public static List<String> createStatements(String jdbcUri, EntityModel<?> model, String tablePrefix) {
        String scheme = StoreConfig.scheme(jdbcUri);
        Dialect dialect = switch (scheme) {
            case "jdbc:postgresql" -> new PostgresDialect();
            case "jdbc:mariadb" -> new MysqlDialect(true);
            case "jdbc:mysql" -> new MysqlDialect(false);
            case "jdbc:sqlite" -> new SqliteDialect();
            default -> throw new ConfigurationException("'" + jdbcUri + "' is not a relational URI; use jdbc:postgresql:, "
                    + "jdbc:mariadb:, jdbc:mysql: or jdbc:sqlite:");
        };
        return Schema.ddl(dialect, new TableMapping(model, tablePrefix));
    }
}
