package io.polystore.document.internal;

import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints a {@link Lowered} condition as a SQL++ (N1QL) condition on {@code c.doc}, with named
 * parameters only: nothing from an operand or a cursor reaches the statement's text, and field
 * names are checked and quoted with backticks.
 *
 * <p>The condition narrows: it is true of every entity the criteria match (a superset), and
 * {@link Where#exact()} says when it is the matches themselves. Where SQL++ compares as the API
 * does it prints the comparison exactly: text, enums and UUIDs (compared by their UTF-8 bytes, which
 * is code-point order), booleans, and whole numbers within ±2<sup>53</sup>. Other numbers are JSON
 * numbers that SQL++ compares as doubles, which may round: ranges on them print the non-strict
 * bound (rounding never turns {@code <} into {@code >}), and they are never exact. Times are stored as
 * ISO text, whose text order is not always their order in time: they narrow nothing. Under a
 * {@code NOT} only an exact condition may be printed (the negation of a superset is a subset), and
 * its guards make a missing field false rather than MISSING. The repository checks every candidate
 * exactly afterwards with the API's rules, so an inexact condition costs reads, never answers.
 */
final class SqlPlusPlus {
    /** Whole numbers that a double holds exactly. */
    private static final long EXACT_LONG = 1L << 53;
    private static final Set<ValueKind> TEXT = Set.of(ValueKind.STRING, ValueKind.ENUM, ValueKind.UUID);

    /**
     * A condition and its named parameters (names without the {@code $}).
     *
     * @param text   the SQL++ condition, or null when the criteria narrow nothing here
     * @param params the parameters
     * @param exact  whether it matches exactly the entities the criteria match
     */
    record Where(String text, Map<String, Object> params, boolean exact) {
    }

    private final EntityModel<?> model;

    SqlPlusPlus(EntityModel<?> model) {
        this.model = model;
    }

    /**
     * @param lowered a lowered condition
     * @param params  where the parameters go (names are unique in it: {@code p0, p1, ...} after those present)
     * @return the printed condition
     */
    Where where(Lowered lowered, Map<String, Object> params) {
        Lowered.requireNoRelated(model, lowered);
        boolean[] exact = {true};
        String text = print(lowered, params, exact);
        return new Where(text, params, text != null && exact[0]);
    }

    Where where(Lowered lowered) {
        return where(lowered, new LinkedHashMap<>());
    }

    /**
     * The whole query for SQL++ to answer, when it answers exactly as the API: the condition and the
     * keyset cursor print exactly ({@link Where#exact()}), and every key of the total order (the id
     * tie-break included) is text, an enum, a UUID or a boolean, which SQL++ orders as the API does
     * (text by its UTF-8 bytes, that is by code point). A missing field is made NULL so that it ties
     * with a null one, as both are null to the API; NULL sorts first ascending and last descending in
     * SQL++, as null does in the API. Numbers (compared as doubles), times (ISO text) and whole-number
     * ids are not ordered here: such queries read their candidates and are ordered in Java.
     *
     * @param query  the lowered query
     * @param params where the parameters go
     * @return {@code " AND condition ORDER BY keys"} to follow the statement's own WHERE (the
     *         condition part empty when there is none), or null when SQL++ cannot answer exactly
     */
    String pushdown(LoweredQuery query, Map<String, Object> params) {
        StringBuilder orderBy = new StringBuilder();
        for (LoweredQuery.SortKey k : query.order()) {
            String path = path(k.field());
            if (path == null || !(TEXT.contains(k.field().kind()) || k.field().kind() == ValueKind.BOOLEAN)) {
                return null;
            }
            orderBy.append(orderBy.length() == 0 ? "" : ", ").append("IFMISSING(").append(path).append(", NULL)")
                    .append(k.ascending() ? " ASC" : " DESC");
        }
        Map<String, Object> mine = new LinkedHashMap<>(params);
        StringBuilder sb = new StringBuilder();
        for (Lowered part : java.util.Arrays.asList(query.where(), query.after())) {
            if (part != null) {
                Where w = where(part, mine);
                if (!w.exact()) {
                    return null;
                }
                sb.append(" AND ").append(w.text());
            }
        }
        params.putAll(mine);
        return sb.append(" ORDER BY ").append(orderBy).toString();
    }

    private String print(Lowered l, Map<String, Object> params, boolean[] exact) {
        String t = printExactly(l, params, exact);
        if (t == null) {
            exact[0] = false;
        }
        return t;
    }

    private String printExactly(Lowered l, Map<String, Object> params, boolean[] exact) {
        if (l instanceof Lowered.Compare c) {
            String path = path(c.field());
            if (path == null) {
                return null;
            }
            ValueKind kind = c.field().kind();
            String op = c.op().symbol();
            if (!comparesExactly(kind, c.operand())) {
                if (!isNumber(kind)) {
                    return null;
                }
                exact[0] = false; // a double may round: keep every value that may compare so
                op = switch (c.op()) {
                    case LT -> "<=";
                    case GT -> ">=";
                    default -> op;
                };
            }
            return guarded(path, path + " " + op + " " + param(params, parameter(kind, c.operand())), c.guarded());
        }
        if (l instanceof Lowered.In in) {
            String path = path(in.field());
            if (path == null) {
                return null;
            }
            ValueKind kind = in.field().kind();
            List<Object> operands = new ArrayList<>();
            for (Object o : in.operands()) {
                if (!comparesExactly(kind, o)) {
                    if (!isNumber(kind)) {
                        return null;
                    }
                    exact[0] = false;
                }
                operands.add(parameter(kind, o));
            }
            return guarded(path, path + " IN " + param(params, operands), in.guarded());
        }
        if (l instanceof Lowered.StartsWith s) {
            String path = path(s.field());
            if (path == null) {
                return null;
            }
            // POSITION counts in bytes or code points alike for a prefix: 0 means "starts with", no pattern characters
            return guarded(path, "POSITION(" + path + ", " + param(params, s.prefix()) + ") = 0", s.guarded());
        }
        if (l instanceof Lowered.IsNull n) {
            String path = path(n.field());
            return path == null ? null : path + " IS NOT VALUED";
        }
        if (l instanceof Lowered.NotNull n) {
            String path = path(n.field());
            return path == null ? null : path + " IS VALUED";
        }
        if (l instanceof Lowered.Contains c) {
            String path = path(c.field());
            if (path == null || !comparesExactly(c.elementKind(), c.element())) {
                return null;
            }
            return "(ANY e IN " + path + " SATISFIES e = " + param(params, parameter(c.elementKind(), c.element())) + " END)";
        }
        if (l instanceof Lowered.And and) {
            List<String> parts = new ArrayList<>();
            for (Lowered p : and.parts()) {
                String t = print(p, params, exact);
                if (t != null) {
                    parts.add(t);
                }
            }
            return parts.isEmpty() ? null : "(" + String.join(" AND ", parts) + ")";
        }
        if (l instanceof Lowered.Or or) {
            List<String> parts = new ArrayList<>();
            for (Lowered p : or.parts()) {
                String t = print(p, params, exact);
                if (t == null) {
                    return null; // one part that narrows nothing makes the disjunction narrow nothing
                }
                parts.add(t);
            }
            return "(" + String.join(" OR ", parts) + ")";
        }
        if (l instanceof Lowered.Not not) {
            boolean[] innerExact = {true};
            Map<String, Object> innerParams = new LinkedHashMap<>(params);
            String inner = print(not.part(), innerParams, innerExact);
            if (inner == null || !innerExact[0]) {
                return null;
            }
            params.putAll(innerParams);
            return "NOT (" + inner + ")";
        }
        if (l instanceof Lowered.Constant k) {
            return k == Lowered.Constant.TRUE ? "TRUE" : "FALSE";
        }
        return null;
    }

    /** @return the condition, made FALSE rather than MISSING or NULL when the field is absent, where it must be */
    private static String guarded(String path, String condition, boolean guarded) {
        return guarded ? "(" + path + " IS VALUED AND " + condition + ")" : condition;
    }

    private static boolean isNumber(ValueKind kind) {
        return kind == ValueKind.LONG || kind == ValueKind.DOUBLE || kind == ValueKind.DECIMAL;
    }

    /** Whether SQL++ compares values of this kind (with this operand) exactly as the API does. */
    private static boolean comparesExactly(ValueKind kind, Object operand) {
        if (TEXT.contains(kind) || kind == ValueKind.BOOLEAN) {
            return true;
        }
        return kind == ValueKind.LONG && operand instanceof Number n && Math.abs(n.longValue()) < EXACT_LONG;
    }

    /** The parameter for a stored operand: text kinds as text, numbers as JSON numbers. */
    private static Object parameter(ValueKind kind, Object stored) {
        if (stored instanceof java.util.UUID u) {
            return u.toString();
        }
        if (kind == ValueKind.DECIMAL && stored instanceof BigDecimal d) {
            return d.doubleValue();
        }
        return stored;
    }

    private static String param(Map<String, Object> params, Object value) {
        String name = "p" + params.size();
        while (params.containsKey(name)) {
            name = name + "_";
        }
        params.put(name, value);
        return "$" + name;
    }

    /** @return the quoted path into the stored document, or null for a path through a collection */
    String path(Lowered.Field field) {
        PropertyPath p = field.path();
        if (p.multiValued()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("c.doc");
        for (String s : p.segments()) {
            sb.append('.').append(quote(s));
        }
        return sb.toString();
    }

    /**
     * @param name a field or keyspace name
     * @return it as a SQL++ identifier
     * @throws UnsupportedQueryException if it holds a backtick, which no identifier may
     */
    static String quote(String name) {
        if (name.indexOf('`') >= 0 || name.isEmpty()) {
            throw new UnsupportedQueryException("'" + name + "' cannot be a SQL++ identifier (empty, or with a backtick); rename it");
        }
        return "`" + name + "`";
    }
}
