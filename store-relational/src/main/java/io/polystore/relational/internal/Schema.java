package io.polystore.relational.internal;

import io.polystore.ConfigurationException;
import io.polystore.mapping.ValueKind;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Creates or validates the table of an entity type, as the store's {@code schema} option says.
 * {@link #ddl} gives the statements, for hand-written migrations (Flyway, Liquibase).
 */
final class Schema {
    private Schema() {
    }

    static void prepare(RelationalStore store, TableMapping m) {
        switch (store.schema) {
            case NONE -> {
            }
            case VALIDATE -> store.schemaWork("validate table " + m.table, c -> {
                validate(store, c, m);
                return null;
            });
            case CREATE -> store.schemaWork("create table " + m.table, c -> {
                create(store.dialect, c, m);
                return null;
            });
        }
    }

    /** The statements that create a table and its indexes from nothing. */
    static List<String> ddl(Dialect dialect, TableMapping m) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(dialect.quote(m.table)).append(" (");
        List<Column> all = allColumns(m);
        for (int i = 0; i < all.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(columnDefinition(dialect, m, all.get(i)));
        }
        out.add(sb.append(')').append(dialect.tableOptions()).toString());
        for (Column c : indexed(m)) {
            out.add(dialect.createIndex(m.table, c));
        }
        return out;
    }

    private static String columnDefinition(Dialect dialect, TableMapping m, Column c) {
        String quoted = dialect.quote(c.name());
        if (c.role() == Column.Role.GENERATED) {
            return dialect.generatedColumn(c, m.document.name());
        }
        if (c == m.id) {
            return m.generatedIds() ? dialect.generatedIdColumn(quoted) : quoted + " " + dialect.columnType(c) + " NOT NULL PRIMARY KEY";
        }
        return quoted + " " + dialect.columnType(c);
    }

    /** The columns written and read, then the generated ones. */
    private static List<Column> allColumns(TableMapping m) {
        List<Column> out = new ArrayList<>(m.columns);
        out.addAll(m.generated);
        return out;
    }

    private static List<Column> indexed(TableMapping m) {
        List<Column> out = new ArrayList<>();
        for (Column c : allColumns(m)) {
            if (c.indexed() && c.kind().isScalar() && c.kind() != ValueKind.BYTES) {
                out.add(c);
            }
        }
        return out;
    }

    private static void create(Dialect dialect, Connection c, TableMapping m) throws SQLException {
        Set<String> existing = columns(c, m.table);
        try (Statement st = c.createStatement()) {
            if (existing.isEmpty()) {
                st.execute(ddl(dialect, m).get(0));
            } else {
                for (Column col : allColumns(m)) {
                    if (!existing.contains(col.name())) {
                        st.execute("ALTER TABLE " + dialect.quote(m.table) + " ADD COLUMN " + columnDefinition(dialect, m, col));
                    }
                }
            }
            Set<String> indexes = indexes(c, m.table);
            for (Column col : indexed(m)) {
                if (!indexes.contains(Dialect.indexName(m.table, col).toLowerCase(Locale.ROOT))) {
                    st.execute(dialect.createIndex(m.table, col));
                }
            }
        }
    }

    private static void validate(RelationalStore store, Connection c, TableMapping m) throws SQLException {
        Set<String> existing = columns(c, m.table);
        String where = "store '" + store.name() + "' (" + store.describe() + ", schema=validate): ";
        if (existing.isEmpty()) {
            throw new ConfigurationException(where + "table \"" + m.table + "\" for " + m.model.type().getName()
                    + " does not exist; create it (docs/RELATIONAL.md has the DDL) or set the option schema: create");
        }
        for (Column col : allColumns(m)) {
            if (!existing.contains(col.name())) {
                throw new ConfigurationException(where + "table \"" + m.table + "\" has no column \"" + col.name() + "\" for "
                        + (col.property() == null ? "the document" : m.model.type().getSimpleName() + "." + col.property().name())
                        + "; add it ("
                        + columnDefinition(store.dialect, m, col) + ") or set the option schema: create");
            }
        }
    }

    private static String pattern(DatabaseMetaData md, String name) throws SQLException {
        String escape = md.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** @return the tables of the connection's database (and schema) whose names start with the prefix */
    static List<String> tablesStartingWith(Connection c, String prefix) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<String> out = new ArrayList<>();
        try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), null, new String[]{"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (name != null && name.startsWith(prefix)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Set<String> out = new HashSet<>();
        try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), pattern(md, table), null)) {
            while (rs.next()) {
                if (table.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static Set<String> indexes(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Set<String> out = new HashSet<>();
        try (ResultSet rs = md.getIndexInfo(c.getCatalog(), c.getSchema(), table, false, false)) {
            while (rs.next()) {
                String n = rs.getString("INDEX_NAME");
                if (n != null) {
                    out.add(n.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }
}
