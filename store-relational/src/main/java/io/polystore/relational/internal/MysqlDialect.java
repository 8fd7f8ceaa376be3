package io.polystore.relational.internal;

import io.polystore.mapping.ValueKind;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB: text in a binary, no-pad collation (code point order; {@code 'a'} and {@code 'a '}
 * differ), instants as UTC {@code DATETIME(6)}, decimals as exact text compared through
 * {@code CAST(... AS DECIMAL(65,30))}, nested values as JSON text.
 */
final class MysqlDialect extends Dialect {
    /** characters of a long text value an index keeps (768 × 4 bytes: InnoDB's 3072-byte key limit) */
    private static final int INDEX_PREFIX = 768;
    private final boolean mariadb;
    private final String collation;

    MysqlDialect(boolean mariadb) {
        this.mariadb = mariadb;
        this.collation = mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    }

    @Override
    String name() {
        return mariadb ? "MariaDB" : "MySQL";
    }

    @Override
    String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    String columnType(Column c) {
        String text = "CHARACTER SET utf8mb4 COLLATE " + collation;
        if (c.role() == Column.Role.ID && (c.kind() == ValueKind.STRING)) {
            return "VARCHAR(255) " + text;
        }
        return switch (c.kind()) {
            case STRING, ENUM -> c.indexed() ? "VARCHAR(768) " + text : "LONGTEXT " + text;
            case LONG, DURATION -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case DECIMAL -> "VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin";
            case BOOLEAN -> "BOOLEAN";
            case UUID -> "CHAR(36) CHARACTER SET ascii COLLATE ascii_bin";
            case INSTANT, OFFSET_DATE_TIME, LOCAL_DATE_TIME -> "DATETIME(6)";
            case LOCAL_DATE -> "DATE";
            case LOCAL_TIME -> "TIME(6)";
            case BYTES -> "LONGBLOB";
            case OBJECT, LIST, MAP -> "LONGTEXT " + text;
        };
    }

    @Override
    String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + collation;
    }

    @Override
    String createIndex(String table, Column column) {
        String key = quote(column.name()) + (longTextGenerated(column) ? "(" + INDEX_PREFIX + ")" : "");
        return "CREATE INDEX " + quote(indexName(table, column)) + " ON " + quote(table) + " (" + key + ")";
    }

    /**
     * MariaDB: a generated text column is LONGTEXT with a prefix index, so that values of any length
     * can be written (the index narrows the search, the full value decides). MySQL keeps VARCHAR(768).
     */
    private boolean longTextGenerated(Column column) {
        return mariadb && column.role() == Column.Role.GENERATED && switch (column.kind()) {
            case STRING, ENUM, UUID, LOCAL_DATE -> true;
            default -> false;
        };
    }

    @Override
    String generatedIdColumn(String quotedName) {
        return quotedName + " BIGINT AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    String upsert(String table, List<Column> columns, Column id) {
        String updates = columns.stream().filter(c -> c != id)
                .map(c -> quote(c.name()) + " = VALUES(" + quote(c.name()) + ")").collect(Collectors.joining(", "));
        if (updates.isEmpty()) {
            updates = quote(id.name()) + " = " + quote(id.name());
        }
        return insert(table, columns) + " ON DUPLICATE KEY UPDATE " + updates;
    }

    @Override
    String insertIfAbsent(String table, List<Column> columns, Column id) {
        return insert(table, columns);
    }

    @Override
    boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == 1062 || super.isDuplicateKey(e);
    }

    @Override
    String decimalComparisonType() {
        return "DECIMAL(65,30)";
    }

    @Override
    Param jsonPathParam(List<String> path) {
        String p = jsonPathText(path);
        return (ps, i) -> ps.setString(i, p);
    }

    @Override
    String jsonPathLiteral(List<String> path) {
        return literal(jsonPathText(path));
    }

    @Override
    String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    String jsonScalarAt(String column, int depth, String pathSql, ValueKind leafKind) {
        String value = "JSON_VALUE(" + column + ", " + pathSql + ")";
        return switch (leafKind) {
            case STRING, ENUM, UUID, LOCAL_DATE -> "(" + value + " COLLATE " + collation + ")";
            case LONG, DOUBLE, DECIMAL -> "CAST(" + value + " AS DECIMAL(65,30))";
            default -> throw nestedUnsupported(name(), leafKind);
        };
    }

    @Override
    String generatedType(ValueKind kind) {
        return switch (kind) {
            // MariaDB: any length, indexed by a prefix (see createIndex); MySQL: as long as an indexed text
            // column of the column layout
            case STRING, ENUM, UUID, LOCAL_DATE -> (mariadb ? "LONGTEXT" : "VARCHAR(768)") + " CHARACTER SET utf8mb4 COLLATE " + collation;
            case LONG, DOUBLE, DECIMAL -> "DECIMAL(65,30)";
            default -> throw nestedUnsupported(name(), kind);
        };
    }

    /**
     * Text sorts by the column, then by its length: MariaDB's filesort builds sort keys that pad
     * with NUL bytes (so {@code ''} and {@code '\0'} tie) and cut at {@code max_sort_length} bytes
     * (which the store raises to 65 536 per session); the length orders a value before the same
     * value followed by NULs, as code point order does.
     */
    @Override
    List<String> orderKey(String expression, ValueKind kind, boolean ascending) {
        String dir = ascending ? " ASC" : " DESC";
        if (kind == ValueKind.STRING || kind == ValueKind.ENUM || kind == ValueKind.UUID || kind == ValueKind.LOCAL_DATE) {
            return List.of(expression + dir, "OCTET_LENGTH(" + expression + ")" + dir);
        }
        return List.of(expression + dir);
    }

    /**
     * A prefix is a range, {@code prefix <= x < successor(prefix)} in the binary collation's code
     * point order: {@code LIKE 'a%'} on an index misses values with a 4-byte character after the
     * prefix on MariaDB, and a range answers the same with or without the index.
     */
    @Override
    String startsWith(String expression, List<Param> expressionParams, String prefix, List<Param> params) {
        params.addAll(expressionParams);
        params.add((ps, i) -> ps.setString(i, prefix));
        String next = successor(prefix);
        if (next == null) {
            return expression + " >= ?";
        }
        params.addAll(expressionParams);
        params.add((ps, i) -> ps.setString(i, next));
        return "(" + expression + " >= ? AND " + expression + " < ?)";
    }

    /** @return the smallest text greater than every text starting with the prefix, or null when there is none */
    static String successor(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int i = cps.length - 1; i >= 0; i--) {
            int next = cps[i] + 1;
            if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                next = Character.MAX_SURROGATE + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < i; j++) {
                    sb.appendCodePoint(cps[j]);
                }
                return sb.appendCodePoint(next).toString();
            }
        }
        return null;
    }

    @Override
    boolean refusesSomeValues() {
        return true;
    }

    /** MySQL and MariaDB compare decimals as DECIMAL(65,30): at most 35 digits before the point and 30 after. */
    @Override
    String refusal(Object value) {
        if (value instanceof java.math.BigDecimal d && d.signum() != 0) {
            BigDecimal s = d.stripTrailingZeros();
            long fraction = s.scale();
            long whole = (long) s.precision() - s.scale();
            if (fraction > 30 || whole > 35) {
                return name() + " compares decimals as DECIMAL(65,30) (35 digits before the point, 30 after), which cannot hold "
                        + d + " exactly; round it (setScale) or keep it as text";
            }
        }
        return null;
    }

    @Override
    String jsonIsNull(String column, List<String> path, List<Param> params) {
        String p = jsonPathText(path);
        params.add((ps, i) -> ps.setString(i, p));
        return "COALESCE(JSON_TYPE(JSON_EXTRACT(" + column + ", ?)), 'NULL') = 'NULL'";
    }

    @Override
    String jsonContains(String column, List<String> path, ValueKind elementKind, Object element, List<Param> params) {
        if (elementKind == ValueKind.DECIMAL) {
            // JSON_CONTAINS compares numbers as doubles (1.10 would match 1.1000000000000001): the list's elements
            // as DECIMAL(65,30), the widest this store keeps (wider values are refused when saved)
            String p = jsonPathText(path);
            params.add((ps, i) -> ps.setString(i, p));
            params.add(compareParam(ValueKind.DECIMAL, element));
            return "EXISTS (SELECT 1 FROM JSON_TABLE(JSON_EXTRACT(" + column + ", ?), '$[*]' COLUMNS (v DECIMAL(65,30) PATH '$'))"
                    + " AS jt WHERE jt.v = ?)";
        }
        String candidate = json(element);
        String p = jsonPathText(path);
        params.add((ps, i) -> ps.setString(i, candidate));
        params.add((ps, i) -> ps.setString(i, p));
        return "JSON_CONTAINS(" + column + ", ?, ?)";
    }

    @Override
    boolean decimalsAsText() {
        return true;
    }

    @Override
    Param compareParam(ValueKind kind, Object stored) {
        if (kind == ValueKind.DECIMAL && stored != null) {
            BigDecimal d = stored instanceof BigDecimal b ? b : new BigDecimal(stored.toString());
            return (ps, i) -> ps.setBigDecimal(i, d);
        }
        return super.compareParam(kind, stored);
    }

    @Override
    void bindInstant(PreparedStatement ps, int i, Instant instant) throws SQLException {
        ps.setObject(i, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    @Override
    Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
