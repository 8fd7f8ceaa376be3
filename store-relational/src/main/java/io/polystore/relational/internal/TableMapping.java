package io.polystore.relational.internal;

import io.polystore.MappingException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.ValueKind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How one entity type maps to one table: a column per top-level field (snake_case names), nested
 * values as JSON, an extra {@code <name>__offset} column for each {@code OffsetDateTime}. In the
 * document layout only the id, the version, the expiry and fields of kinds the database cannot
 * compare inside JSON (instants, times, durations; booleans but on PostgreSQL) have columns; every
 * other field lives in one JSON column, {@value #DOCUMENT_COLUMN} (jsonb on PostgreSQL). There an
 * {@code @Indexed} field of a kind in {@link #INDEXED_IN_DOCUMENT} also gets a generated column of
 * its name, computed by the database from the document, with an index: queries compare and sort on
 * it, and since the database derives it, the document stays the one copy of the value.
 */
final class TableMapping {
    final EntityModel<?> model;
    final String table;
    final List<Column> columns;
    final Column id;
    final Column version;
    final Column expires;
    /** the JSON column of the document layout, or null */
    final Column document;
    static final String DOCUMENT_COLUMN = "doc";
    /** the kinds an {@code @Indexed} field kept in the document gets a generated, indexed column for */
    static final java.util.Set<ValueKind> INDEXED_IN_DOCUMENT = java.util.EnumSet.of(
            ValueKind.STRING, ValueKind.ENUM, ValueKind.UUID, ValueKind.LONG, ValueKind.LOCAL_DATE, ValueKind.BOOLEAN);
    /** the document layout's generated columns (not written, not read back: the database computes them) */
    final List<Column> generated;
    private final Map<String, Column> generatedByProperty = new HashMap<>();
    private final Map<String, Column> byProperty = new HashMap<>();
    private final Map<String, Column> offsets = new HashMap<>();

    TableMapping(EntityModel<?> model, String tablePrefix) {
        this(model, tablePrefix, null);
    }

    /**
     * @param inJson for the document layout, which kinds the database compares inside JSON: fields
     *               of other scalar kinds (instants, times, durations, ...) keep a column of their
     *               own, so that they can still be queried and sorted exactly; null for the column layout
     */
    TableMapping(EntityModel<?> model, String tablePrefix, java.util.function.Predicate<ValueKind> inJson) {
        boolean document = inJson != null;
        this.model = model;
        this.table = tablePrefix + snake(model.name());
        List<Column> cols = new ArrayList<>();
        List<Column> derived = new ArrayList<>();
        Column idColumn = null;
        Column versionColumn = null;
        Map<String, PropertyModel> names = new HashMap<>();
        for (PropertyModel p : model.properties()) {
            String name = snake(p.name());
            PropertyModel clash = names.put(name, p);
            if (clash != null) {
                throw new MappingException(model.type().getName() + ": fields '" + clash.name() + "' and '" + p.name()
                        + "' both map to column '" + name + "'; rename one");
            }
            Column.Role role = p.equals(model.id()) ? Column.Role.ID
                    : model.version().map(p::equals).orElse(false) ? Column.Role.VERSION : Column.Role.VALUE;
            if (document && role == Column.Role.VALUE && !model.expires().map(p::equals).orElse(false)
                    && (!p.kind().isScalar() || inJson.test(p.kind()))) {
                if (p.isIndexed() && INDEXED_IN_DOCUMENT.contains(p.kind())) {
                    Column g = new Column(name, p, p.kind(), Column.Role.GENERATED);
                    derived.add(g);
                    generatedByProperty.put(p.name(), g);
                }
                continue; // kept in the document column
            }
            ValueKind kind = role == Column.Role.VERSION ? ValueKind.LONG : p.kind();
            Column c = new Column(name, p, kind, role);
            cols.add(c);
            byProperty.put(p.name(), c);
            if (role == Column.Role.ID) {
                idColumn = c;
            } else if (role == Column.Role.VERSION) {
                versionColumn = c;
            }
            if (kind == ValueKind.OFFSET_DATE_TIME) {
                String offsetName = name + "__offset";
                if (names.containsKey(offsetName)) {
                    throw new MappingException(model.type().getName() + ": column '" + offsetName + "' is taken");
                }
                Column offset = new Column(offsetName, p, ValueKind.LONG, Column.Role.OFFSET);
                cols.add(offset);
                offsets.put(p.name(), offset);
            }
        }
        if (document) {
            PropertyModel clash = names.get(DOCUMENT_COLUMN);
            if (clash != null && (byProperty.containsKey(clash.name()) || generatedByProperty.containsKey(clash.name()))) {
                throw new MappingException(model.type().getName() + ": field '" + clash.name() + "' maps to column '"
                        + DOCUMENT_COLUMN + "', which the document layout keeps the document in; rename it");
            }
            cols.add(new Column(DOCUMENT_COLUMN, null, ValueKind.MAP, Column.Role.DOCUMENT));
        }
        this.document = document ? cols.get(cols.size() - 1) : null;
        this.columns = List.copyOf(cols);
        this.generated = List.copyOf(derived);
        this.id = idColumn;
        this.version = versionColumn;
        this.expires = model.expires().map(p -> byProperty.get(p.name())).orElse(null);
    }

    /** {@code createdAt} → {@code created_at}; {@code HTTPServer} → {@code http_server}. */
    static String snake(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLower = i > 0 && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1)));
                boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (i > 0 && (prevLower || nextLower && Character.isUpperCase(name.charAt(i - 1)))) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c == '$' ? '_' : c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** @return the column holding a top-level field (for an offset date-time, its instant) */
    Column column(String property) {
        return byProperty.get(property);
    }

    /** @return the generated column computed from a top-level field kept in the document, or null */
    Column generated(String property) {
        return generatedByProperty.get(property);
    }

    boolean generatedIds() {
        return model.idKind() == EntityModel.IdKind.LONG;
    }

    List<Column> columnsWithoutId() {
        return columns.stream().filter(c -> c != id).toList();
    }

    /**
     * Binds a document's values for the given columns to parameters {@code first, first + 1, ...}.
     *
     * @return the next free parameter index
     */
    int bind(Dialect dialect, PreparedStatement ps, int first, Map<String, Object> doc, List<Column> cols) throws SQLException {
        int i = first;
        for (Column c : cols) {
            if (c.role() == Column.Role.DOCUMENT) {
                dialect.bind(ps, i++, ValueKind.MAP, rest(doc));
                continue;
            }
            Object v = doc.get(c.property().name());
            if (c.role() == Column.Role.OFFSET) {
                dialect.bind(ps, i++, ValueKind.LONG, v == null ? null : (long) OffsetDateTime.parse(v.toString()).getOffset().getTotalSeconds());
            } else {
                dialect.bind(ps, i++, c.kind(), v);
            }
        }
        return i;
    }

    /** Parameters storing a document's values in the given columns. */
    List<Param> params(Dialect dialect, Map<String, Object> doc, List<Column> cols) {
        List<Param> out = new ArrayList<>(cols.size());
        for (Column c : cols) {
            if (c.role() == Column.Role.DOCUMENT) {
                out.add(dialect.storeParam(ValueKind.MAP, rest(doc)));
                continue;
            }
            Object v = doc.get(c.property().name());
            if (c.role() == Column.Role.OFFSET) {
                Object offset = v == null ? null : (long) OffsetDateTime.parse(v.toString()).getOffset().getTotalSeconds();
                out.add(dialect.storeParam(ValueKind.LONG, offset));
            } else {
                out.add(dialect.storeParam(c.kind(), v));
            }
        }
        return out;
    }

    /** @return the fields of a document that have no column of their own (the document column's value) */
    private Map<String, Object> rest(Map<String, Object> doc) {
        Map<String, Object> out = new LinkedHashMap<>(doc);
        out.keySet().removeAll(byProperty.keySet());
        return out;
    }

    /** @return the select list, every column in order */
    String selectList(Dialect dialect) {
        StringBuilder sb = new StringBuilder();
        for (Column c : columns) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(dialect.quote(c.name()));
        }
        return sb.toString();
    }

    /** Reads the current row (selected with {@link #selectList}) into a document. */
    Map<String, Object> read(Dialect dialect, ResultSet rs) throws SQLException {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Long> offsetValues = null;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = dialect.read(rs, i + 1, c.kind());
            if (c.role() == Column.Role.DOCUMENT) {
                if (v instanceof Map<?, ?> fields) {
                    for (Map.Entry<?, ?> f : fields.entrySet()) {
                        doc.putIfAbsent(f.getKey().toString(), f.getValue());
                    }
                }
            } else if (c.role() == Column.Role.OFFSET) {
                if (offsetValues == null) {
                    offsetValues = new HashMap<>();
                }
                offsetValues.put(c.property().name(), (Long) v);
            } else {
                doc.put(c.property().name(), v);
            }
        }
        if (offsetValues != null) {
            for (Map.Entry<String, Long> e : offsetValues.entrySet()) {
                Object instant = doc.get(e.getKey());
                if (instant != null) {
                    int seconds = e.getValue() == null ? 0 : e.getValue().intValue();
                    doc.put(e.getKey(), Instant.parse(instant.toString()).atOffset(ZoneOffset.ofTotalSeconds(seconds)).toString());
                }
            }
        }
        return doc;
    }
}
