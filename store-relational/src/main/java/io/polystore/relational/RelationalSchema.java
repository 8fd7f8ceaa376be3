package io.polystore.relational;

import io.polystore.ConfigurationException;
import io.polystore.mapping.EntityModel;
import io.polystore.relational.internal.Ddl;

import java.util.ArrayList;
import java.util.List;

/**
 * The DDL Polystore would run for an entity type, for teams that manage their schema with Flyway or
 * Liquibase and run the store with {@code schema: none} (or {@code validate}). Copy the statements
 * into a migration:
 * <pre>
 * java -cp app.jar io.polystore.relational.RelationalSchema jdbc:postgresql: com.acme.User com.acme.Order
 * </pre>
 */
public final class RelationalSchema {
    private RelationalSchema() {
    }

    /**
     * @param jdbcUri     any URI of the target database kind ({@code jdbc:postgresql:}, {@code jdbc:mariadb:},
     *                    {@code jdbc:mysql:}, {@code jdbc:sqlite:}); only the scheme is read
     * @param entity      an entity class
     * @param tablePrefix the store's {@code table-prefix} option ({@code ""} for none)
     * @return the CREATE TABLE and CREATE INDEX statements, in order
     * @throws ConfigurationException for a scheme that is not relational
     * @throws io.polystore.MappingException if the class cannot be an entity
     */
    public static List<String> createStatements(String jdbcUri, Class<?> entity, String tablePrefix) {
        return Ddl.createStatements(jdbcUri, EntityModel.of(entity), tablePrefix);
    }

    /**
     * Prints the DDL of entity classes.
     *
     * @param args a JDBC URI (or just its scheme), then fully qualified entity class names
     * @throws ClassNotFoundException when an entity class is not on the class path
     */
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length < 2) {
            System.err.println("usage: RelationalSchema jdbc:postgresql:|jdbc:mariadb:|jdbc:mysql:|jdbc:sqlite: ENTITY_CLASS...");
            System.exit(2);
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            out.addAll(createStatements(args[0], Class.forName(args[i]), ""));
        }
        for (String s : out) {
            System.out.println(s + ";");
        }
    }
}
