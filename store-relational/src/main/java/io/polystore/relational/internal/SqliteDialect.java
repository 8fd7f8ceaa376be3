package io.polystore.relational.internal;

import io.polystore.mapping.ValueKind;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * SQLite: text compares in binary (code point) order; times are fixed-width ISO-8601 text so that
 * text order is time order; decimals are exact text compared by their
 * {@link DecimalKey} (an SQL function registered on every connection); nested values are JSON text
 * read with {@code json_extract}.
 */
final class SqliteDialect extends Dialect {
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    @Override
    String name() {
        return "SQLite";
    }

    @Override
    String columnType(Column c) {
        return switch (c.kind()) {
            case LONG, DURATION, BOOLEAN -> "INTEGER";
            case DOUBLE -> "REAL";
            case BYTES -> "BLOB";
            default -> "TEXT";
        };
    }

    @Override
    String generatedIdColumn(String quotedName) {
        return quotedName + " INTEGER PRIMARY KEY";
    }

    @Override
    boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == 19 || super.isDuplicateKey(e);
    }

    @Override
    String startsWith(String expression, List<Param> expressionParams, String prefix, List<Param> params) {
        int length = prefix.codePointCount(0, prefix.length());
        params.addAll(expressionParams);
        params.add((ps, i) -> ps.setInt(i, length));
        params.add((ps, i) -> ps.setString(i, prefix));
        return "substr(" + expression + ", 1, ?) = ?";
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
    String jsonScalarAt(String column, int depth, String pathSql, ValueKind leafKind) {
        if (leafKind == ValueKind.DECIMAL) { // the number's own text (json_extract would give a double)
            return comparable("(" + column + " -> " + pathSql + ")", leafKind);
        }
        return "json_extract(" + column + ", " + pathSql + ")";
    }

    @Override
    String generatedType(ValueKind kind) {
        return ""; // no declared type, so no affinity: the column holds exactly what json_extract gives
    }

    @Override
    boolean supportsNested(ValueKind kind) {
        return kind == ValueKind.BOOLEAN || super.supportsNested(kind);
    }

    @Override
    String jsonIsNull(String column, List<String> path, List<Param> params) {
        String p = jsonPathText(path);
        params.add((ps, i) -> ps.setString(i, p));
        return "COALESCE(json_type(" + column + ", ?), 'null') = 'null'";
    }

    @Override
    String jsonContains(String column, List<String> path, ValueKind elementKind, Object element, List<Param> params) {
        String p = jsonPathText(path);
        params.add((ps, i) -> ps.setString(i, p));
        params.add(compareParam(elementKind, element));
        // decimals by their exact key, as everywhere on SQLite: json_each gives a number as a REAL, so the key is
        // made from the element's JSON text (column -> fullkey), which keeps every digit
        String value = elementKind == ValueKind.DECIMAL ? comparable(column + " -> e.fullkey", elementKind) : "e.value";
        return "EXISTS (SELECT 1 FROM json_each(" + column + ", ?) AS e WHERE " + value + " = ?)";
    }

    @Override
    boolean decimalsAsText() {
        return true;
    }

    /** Decimals compare by their {@link DecimalKey}: exactly, where SQLite's own numbers are doubles. */
    @Override
    String comparable(String expression, ValueKind kind) {
        return kind == ValueKind.DECIMAL ? SqliteDataSource.DECIMAL_FUNCTION + "(" + expression + ")" : expression;
    }

    @Override
    Param compareParam(ValueKind kind, Object stored) {
        if (kind == ValueKind.DECIMAL && stored != null) {
            String key = DecimalKey.of(stored instanceof BigDecimal b ? b : new BigDecimal(stored.toString()));
            return (ps, i) -> ps.setString(i, key);
        }
        return super.compareParam(kind, stored);
    }

    @Override
    void bindInstant(PreparedStatement ps, int i, Instant instant) throws SQLException {
        ps.setString(i, INSTANT.format(instant));
    }

    @Override
    Instant readInstant(ResultSet rs, int index) throws SQLException {
        String s = rs.getString(index);
        return s == null ? null : Instant.from(INSTANT.parse(s));
    }

    @Override
    void bindLocalDate(PreparedStatement ps, int i, LocalDate d) throws SQLException {
        ps.setString(i, d.toString());
    }

    @Override
    LocalDate readLocalDate(ResultSet rs, int index) throws SQLException {
        String s = rs.getString(index);
        return s == null ? null : LocalDate.parse(s);
    }

    @Override
    void bindLocalDateTime(PreparedStatement ps, int i, LocalDateTime d) throws SQLException {
        ps.setString(i, LOCAL_DATE_TIME.format(d));
    }

    @Override
    LocalDateTime readLocalDateTime(ResultSet rs, int index) throws SQLException {
        String s = rs.getString(index);
        return s == null ? null : LocalDateTime.parse(s, LOCAL_DATE_TIME);
    }

    @Override
    void bindLocalTime(PreparedStatement ps, int i, LocalTime t) throws SQLException {
        ps.setString(i, LOCAL_TIME.format(t));
    }

    @Override
    LocalTime readLocalTime(ResultSet rs, int index) throws SQLException {
        String s = rs.getString(index);
        return s == null ? null : LocalTime.parse(s, LOCAL_TIME);
    }
}
