package io.polystore.relational.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.MappingException;
import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.ValueKind;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What differs between SQL databases: identifier quoting, column types, upsert, LIKE, JSON access,
 * and how each {@link ValueKind} is bound and read. Values cross this boundary in their stored
 * (document) form: text for times, UUIDs and enums, Long, BigDecimal, Boolean, Base64 text for
 * bytes, maps and lists for nested values.
 */
abstract class Dialect {
    static final ObjectMapper JSON = io.polystore.spi.Json.newObjectMapper();

    /** @return a short name for messages ({@code "PostgreSQL"}) */
    abstract String name();

    /** @return the identifier quoted */
    String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    // ---- DDL ----------------------------------------------------------------------------------

    /** @return the SQL type of a column */
    abstract String columnType(Column column);

    /** @return the column definition of a store-generated long id, primary key included */
    abstract String generatedIdColumn(String quotedName);

    /** @return the index statement for an indexed column */
    String createIndex(String table, Column column) {
        return "CREATE INDEX IF NOT EXISTS " + quote(indexName(table, column)) + " ON " + quote(table) + " (" + quote(column.name()) + ")";
    }

    static String indexName(String table, Column column) {
        String n = "ix_" + table + "_" + column.name();
        return n.length() <= 60 ? n : n.substring(0, 51) + "_" + Integer.toHexString(n.hashCode());
    }

    /** @return text appended to CREATE TABLE (engine, charset) */
    String tableOptions() {
        return "";
    }

    // ---- DML ----------------------------------------------------------------------------------

    /** @return the placeholder for a column's value ({@code ?}, or a cast around it) */
    String placeholder(Column column) {
        return "?";
    }

    /** @return {@code INSERT INTO table (columns) VALUES (placeholders)} */
    String insert(String table, List<Column> columns) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (Column c : columns) {
            if (names.length() > 0) {
                names.append(", ");
                values.append(", ");
            }
            names.append(quote(c.name()));
            values.append(placeholder(c));
        }
        return "INSERT INTO " + quote(table) + " (" + names + ") VALUES (" + values + ")";
    }

    /**
     * @return an insert-or-replace of every column, keyed by the id column (standard
     *         {@code ON CONFLICT ... DO UPDATE}, which PostgreSQL and SQLite share)
     */
    String upsert(String table, List<Column> columns, Column id) {
        StringBuilder updates = new StringBuilder();
        for (Column c : columns) {
            if (c != id) {
                updates.append(updates.length() == 0 ? "" : ", ").append(quote(c.name())).append(" = excluded.").append(quote(c.name()));
            }
        }
        return insert(table, columns) + " ON CONFLICT (" + quote(id.name()) + ") DO "
                + (updates.length() == 0 ? "NOTHING" : "UPDATE SET " + updates);
    }

    /**
     * @return an insert that writes nothing (update count 0) when the id exists, or a plain insert
     *         when the dialect reports the conflict as a duplicate-key error instead
     */
    String insertIfAbsent(String table, List<Column> columns, Column id) {
        return insert(table, columns) + " ON CONFLICT (" + quote(id.name()) + ") DO NOTHING";
    }

    /** @return whether the exception is a unique-key violation */
    boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    /** @return {@code NULLS FIRST/LAST} where the database's default is not nulls-smallest */
    String nullsOrder(boolean ascending) {
        return "";
    }

    /**
     * @param expression a sort key's expression
     * @param kind       its kind
     * @param ascending  the direction
     * @return its {@code ORDER BY} items, each holding the expression (and its parameters) once
     */
    List<String> orderKey(String expression, ValueKind kind, boolean ascending) {
        return List.of(expression + (ascending ? " ASC" : " DESC") + nullsOrder(ascending));
    }

    /** @return the {@code LIMIT} clause */
    String limit(int limit) {
        return " LIMIT " + limit;
    }

    // ---- comparison expressions ----------------------------------------------------------------

    /**
     * @param expression a column or expression of the given kind
     * @return the expression to compare and sort on (casts for decimals kept as text, collations for text)
     */
    String comparable(String expression, ValueKind kind) {
        return kind == ValueKind.DECIMAL && decimalsAsText() ? "CAST(" + expression + " AS " + decimalComparisonType() + ")" : expression;
    }

    /**
     * Whether this database keeps and compares every value exactly; if not, {@link #refusal}
     * names the values it cannot, and saves and query operands holding them are refused.
     */
    boolean refusesSomeValues() {
        return false;
    }

    /**
     * @param value a text or a decimal (of a {@code BigDecimal} field)
     * @return why this database cannot keep or compare the value exactly, or null when it can
     */
    String refusal(Object value) {
        return null;
    }

    /**
     * Refuses a document holding a text or decimal this database cannot keep or compare exactly,
     * before anything is written. Decimals are recognised by the field's declared type (doubles
     * are also kept as BigDecimal in documents, and are not decimals).
     *
     * @throws io.polystore.MappingException naming the field and the value
     */
    final void checkStorable(io.polystore.mapping.EntityModel<?> model, Map<String, Object> doc) {
        if (refusesSomeValues()) {
            for (io.polystore.mapping.PropertyModel p : model.properties()) {
                checkStorable(model.name() + "." + p.name(), p.type(), doc.get(p.name()));
            }
        }
    }

    private void checkStorable(String field, io.polystore.mapping.TypeRef type, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof String || type.rawClass() == BigDecimal.class) {
            String why = refusal(value);
            if (why != null) {
                throw new MappingException(field + ": " + why + "; nothing was written");
            }
        } else if (value instanceof Map<?, ?> map) {
            if (type.isMap()) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    checkStorable(field + "." + e.getKey(), type.keyType(), e.getKey());
                    checkStorable(field + "." + e.getKey(), type.contentType(), e.getValue());
                }
            } else if (type.rawClass() != Object.class) {
                for (io.polystore.mapping.PropertyModel p : io.polystore.mapping.TypeModel.of(type.rawClass()).properties()) {
                    checkStorable(field + "." + p.name(), p.type(), map.get(p.name()));
                }
            }
        } else if (value instanceof java.util.Collection<?> list && type.contentType() != null) {
            int i = 0;
            for (Object o : list) {
                checkStorable(field + "[" + i++ + "]", type.contentType(), o);
            }
        }
    }

    /**
     * Refuses a query operand this database cannot compare exactly.
     *
     * @param field   the queried path, for the message
     * @param kind    the kind of the field (or of a list's elements)
     * @param operand the operand in stored form
     * @throws io.polystore.UnsupportedQueryException naming the field
     */
    final void checkOperand(String field, ValueKind kind, Object operand) {
        if (refusesSomeValues() && (operand instanceof String || kind == ValueKind.DECIMAL && operand instanceof BigDecimal)) {
            String why = refusal(operand);
            if (why != null) {
                throw new UnsupportedQueryException(field + ": " + why);
            }
        }
    }

    /** @return the SQL type that decimals kept as text are cast to for comparison and sorting */
    String decimalComparisonType() {
        throw new IllegalStateException(name() + " keeps decimals in a numeric column");
    }

    /**
     * @return a predicate: {@code expression} starts with {@code prefix}, exactly, with no wildcards
     */
    String startsWith(String expression, List<Param> expressionParams, String prefix, List<Param> params) {
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                pattern.append('!');
            }
            pattern.append(c);
        }
        pattern.append('%');
        String p = pattern.toString();
        params.addAll(expressionParams);
        params.add((ps, i) -> ps.setString(i, p));
        return expression + " LIKE ? ESCAPE '!'";
    }

    /**
     * The scalar at a path inside a JSON column, as an expression comparable with
     * {@link #compareParam} values of the leaf kind; JSON null must come out as SQL NULL.
     */
    final String jsonScalar(String column, List<String> path, ValueKind leafKind, List<Param> params) {
        if (!supportsNested(leafKind)) {
            throw nestedUnsupported(name(), leafKind);
        }
        params.add(jsonPathParam(path));
        return jsonScalarAt(column, path.size(), "?", leafKind);
    }

    /**
     * Whether the value at a path inside a JSON column is missing or JSON null, whatever its kind
     * (records, lists and maps included), so that {@code isNull} means the same as in memory.
     */
    abstract String jsonIsNull(String column, List<String> path, List<Param> params);

    /** @return the path of {@link #jsonScalarAt} as a bound parameter */
    abstract Param jsonPathParam(List<String> path);

    /** @return the path of {@link #jsonScalarAt} as SQL text (for generated columns, which take no parameters) */
    abstract String jsonPathLiteral(List<String> path);

    /**
     * The scalar at a path inside a JSON column, the path given as SQL ({@code ?} or a literal) of
     * {@link #jsonPathParam} or {@link #jsonPathLiteral} for a path of {@code depth} keys.
     */
    abstract String jsonScalarAt(String column, int depth, String pathSql, ValueKind leafKind);

    /** @return the SQL type of the value {@link #jsonScalarAt} gives for a kind */
    abstract String generatedType(ValueKind kind);

    /** @return how a generated column is kept: {@code VIRTUAL} (computed when read), or {@code STORED} */
    String generatedStorage() {
        return "VIRTUAL";
    }

    /**
     * @return the definition of a {@link Column.Role#GENERATED} column: the field's value inside
     *         the document column, computed by the database exactly as queries compute it
     */
    final String generatedColumn(Column column, String documentColumn) {
        String type = generatedType(column.kind());
        String value = jsonScalarAt(quote(documentColumn), 1, jsonPathLiteral(List.of(column.property().name())), column.kind());
        return quote(column.name()) + (type.isEmpty() ? "" : " " + type) + " GENERATED ALWAYS AS (" + value + ") " + generatedStorage();
    }

    /** @return a string literal */
    String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * A predicate: the JSON array at a path (empty = the column itself) holds an element equal to
     * a stored value of a kind.
     */
    abstract String jsonContains(String column, List<String> path, ValueKind elementKind, Object element, List<Param> params);

    /** Whether a nested (JSON) value of this kind can be compared. */
    boolean supportsNested(ValueKind kind) {
        return switch (kind) {
            case STRING, ENUM, UUID, LONG, DOUBLE, DECIMAL, LOCAL_DATE -> true;
            default -> false;
        };
    }

    static String jsonPathText(List<String> path) {
        StringBuilder sb = new StringBuilder("$");
        for (String s : path) {
            sb.append(".\"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    // ---- binding and reading ------------------------------------------------------------------

    /** A parameter that stores a value of a kind in a column. */
    Param storeParam(ValueKind kind, Object stored) {
        return (ps, i) -> bind(ps, i, kind, stored);
    }

    /**
     * Binds a stored (document) value of a kind to a parameter, converting it to the column's
     * representation. The hot path of every write: no allocation beyond the driver's own.
     */
    void bind(PreparedStatement ps, int i, ValueKind kind, Object stored) throws SQLException {
        if (stored == null) {
            ps.setNull(i, sqlType(kind));
            return;
        }
        switch (kind) {
            case STRING, ENUM -> ps.setString(i, stored.toString());
            case UUID -> bindUuid(ps, i, stored.toString());
            case LONG -> ps.setLong(i, ((Number) stored).longValue());
            case DOUBLE -> ps.setDouble(i, stored instanceof Number n ? n.doubleValue() : Double.parseDouble(stored.toString()));
            case DECIMAL -> bindDecimal(ps, i, stored instanceof BigDecimal b ? b : new BigDecimal(stored.toString()));
            case BOOLEAN -> ps.setBoolean(i, (Boolean) stored);
            case INSTANT, OFFSET_DATE_TIME -> bindInstant(ps, i, instant(stored));
            case LOCAL_DATE -> bindLocalDate(ps, i, LocalDate.parse(stored.toString()));
            case LOCAL_DATE_TIME -> bindLocalDateTime(ps, i, LocalDateTime.parse(stored.toString()).truncatedTo(ChronoUnit.MICROS));
            case LOCAL_TIME -> bindLocalTime(ps, i, LocalTime.parse(stored.toString()).truncatedTo(ChronoUnit.MICROS));
            case DURATION -> ps.setLong(i, Duration.parse(stored.toString()).toNanos());
            case BYTES -> ps.setBytes(i, Base64.getDecoder().decode(stored.toString()));
            case OBJECT, LIST, MAP -> bindJson(ps, i, json(stored));
        }
    }

    /** A parameter compared with {@link #comparable} expressions of a kind. */
    Param compareParam(ValueKind kind, Object stored) {
        return storeParam(kind, stored);
    }

    /** Reads a column value in stored form, or null. */
    Object read(ResultSet rs, int index, ValueKind kind) throws SQLException {
        switch (kind) {
            case STRING, ENUM:
                return rs.getString(index);
            case UUID: {
                Object o = rs.getObject(index);
                return o == null ? null : o.toString().toLowerCase(Locale.ROOT);
            }
            case LONG: {
                long l = rs.getLong(index);
                return rs.wasNull() ? null : l;
            }
            case DOUBLE: {
                double d = rs.getDouble(index);
                return rs.wasNull() ? null : d;
            }
            case DECIMAL:
                return readDecimal(rs, index);
            case BOOLEAN: {
                boolean b = rs.getBoolean(index);
                return rs.wasNull() ? null : b;
            }
            case INSTANT, OFFSET_DATE_TIME: {
                Instant i = readInstant(rs, index);
                return i == null ? null : i.toString();
            }
            case LOCAL_DATE: {
                LocalDate d = readLocalDate(rs, index);
                return d == null ? null : d.toString();
            }
            case LOCAL_DATE_TIME: {
                LocalDateTime d = readLocalDateTime(rs, index);
                return d == null ? null : d.toString();
            }
            case LOCAL_TIME: {
                LocalTime t = readLocalTime(rs, index);
                return t == null ? null : t.toString();
            }
            case DURATION: {
                long n = rs.getLong(index);
                return rs.wasNull() ? null : Duration.ofNanos(n).toString();
            }
            case BYTES: {
                byte[] b = rs.getBytes(index);
                return b == null ? null : Base64.getEncoder().encodeToString(b);
            }
            default: {
                String text = rs.getString(index);
                return text == null ? null : parseJson(text);
            }
        }
    }

    static Instant instant(Object stored) {
        String s = stored.toString();
        Instant i = s.endsWith("Z") && s.indexOf('+') < 0 ? Instant.parse(s) : java.time.OffsetDateTime.parse(s).toInstant();
        return i.truncatedTo(ChronoUnit.MICROS);
    }

    int sqlType(ValueKind kind) {
        return switch (kind) {
            case STRING, ENUM, UUID, OBJECT, LIST, MAP -> Types.VARCHAR;
            case LONG, DURATION -> Types.BIGINT;
            case DOUBLE -> Types.DOUBLE;
            case DECIMAL -> Types.NUMERIC;
            case BOOLEAN -> Types.BOOLEAN;
            case INSTANT, OFFSET_DATE_TIME -> Types.TIMESTAMP_WITH_TIMEZONE;
            case LOCAL_DATE -> Types.DATE;
            case LOCAL_DATE_TIME -> Types.TIMESTAMP;
            case LOCAL_TIME -> Types.TIME;
            case BYTES -> Types.VARBINARY;
        };
    }

    void bindUuid(PreparedStatement ps, int i, String uuid) throws SQLException {
        ps.setString(i, uuid);
    }

    /** @return whether decimals are kept as exact text (the database's own type would lose the scale) */
    boolean decimalsAsText() {
        return false;
    }

    void bindDecimal(PreparedStatement ps, int i, BigDecimal d) throws SQLException {
        if (decimalsAsText()) {
            ps.setString(i, d.toString());
        } else {
            ps.setBigDecimal(i, d);
        }
    }

    Object readDecimal(ResultSet rs, int index) throws SQLException {
        if (decimalsAsText()) {
            String s = rs.getString(index);
            return s == null ? null : new BigDecimal(s);
        }
        return rs.getBigDecimal(index);
    }

    abstract void bindInstant(PreparedStatement ps, int i, Instant instant) throws SQLException;

    abstract Instant readInstant(ResultSet rs, int index) throws SQLException;

    void bindLocalDate(PreparedStatement ps, int i, LocalDate d) throws SQLException {
        ps.setObject(i, d);
    }

    LocalDate readLocalDate(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, LocalDate.class);
    }

    void bindLocalDateTime(PreparedStatement ps, int i, LocalDateTime d) throws SQLException {
        ps.setObject(i, d);
    }

    LocalDateTime readLocalDateTime(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, LocalDateTime.class);
    }

    void bindLocalTime(PreparedStatement ps, int i, LocalTime t) throws SQLException {
        ps.setObject(i, t);
    }

    LocalTime readLocalTime(ResultSet rs, int index) throws SQLException {
        return rs.getObject(index, LocalTime.class);
    }

    void bindJson(PreparedStatement ps, int i, String json) throws SQLException {
        ps.setString(i, json);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MappingException("cannot write a nested value as JSON: " + e.getMessage(), e);
        }
    }

    /** Reads stored JSON into the document form (see {@link io.polystore.spi.JsonDocuments#parse}). */
    static Object parseJson(String text) {
        return io.polystore.spi.JsonDocuments.parse(text);
    }

    static UnsupportedQueryException nestedUnsupported(String dialect, ValueKind kind) {
        return new UnsupportedQueryException(dialect + " stores compare nested (JSON) values of kind " + kind
                + " only as whole fields; move the field to the top level of the entity to query it");
    }

    static UUID uuid(String s) {
        return UUID.fromString(s);
    }
}
