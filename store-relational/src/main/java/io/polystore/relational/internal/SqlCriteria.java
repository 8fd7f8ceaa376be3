package io.polystore.relational.internal;

import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Sort;
import io.polystore.spi.DocumentQueries;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates {@link Criteria}, sort orders and cursors to SQL with bound parameters, keeping the
 * API's semantics: under a {@code NOT} (and in {@code ne}) a leaf predicate is
 * {@code (x IS NOT NULL AND x op ?)}, so it is never SQL NULL and {@code NOT} is plain negation;
 * elsewhere it is the bare {@code x op ?}, because under AND and OR alone an SQL NULL selects a row
 * exactly when FALSE would (never), and the bare form computes {@code x}, which may be a JSON
 * extraction per row, once instead of twice. Nulls sort first ascending; ties are broken by id.
 */
final class SqlCriteria {
    /** An SQL expression and the parameters of its {@code ?}s, in order. */
    record Expr(String sql, List<Param> params) {
    }

    /** A resolved operand side: the SQL expression to compare on and the kind its parameters bind as. */
    private record Target(String sql, List<Param> params, ValueKind kind) {
    }

    private final Dialect dialect;
    private final TableMapping table;
    private final EntityModel<?> model;

    SqlCriteria(Dialect dialect, TableMapping table) {
        this.dialect = dialect;
        this.table = table;
        this.model = table.model;
    }

    Expr where(Criteria criteria) {
        List<Param> params = new ArrayList<>();
        String sql = predicate(criteria, params, false);
        return new Expr(sql, params);
    }

    /**
     * @param negated whether the criterion sits under a {@code NOT}, where a leaf must be FALSE
     *                rather than SQL NULL when its field is null
     */
    private String predicate(Criteria criteria, List<Param> params, boolean negated) {
        if (criteria instanceof Criteria.Compare c) {
            PropertyPath path = scalarPath(c.field(), c.op().name().toLowerCase(java.util.Locale.ROOT));
            if (c.op() != Criteria.Op.EQ && c.op() != Criteria.Op.NE && !path.leafKind().isOrdered()) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": " + path.leafKind()
                        + " values are not ordered; " + c.op().symbol() + " is not defined on them");
            }
            Object operand = model.storedOperand(path, path.leafType(), c.value());
            dialect.checkOperand(model.name() + "." + path, path.leafKind(), operand);
            Target t = target(path);
            boolean ne = c.op() == Criteria.Op.NE;
            String op = ne ? "=" : c.op().symbol();
            String guard = guard(t, params, negated || ne);
            params.addAll(t.params);
            params.add(dialect.compareParam(t.kind, operand));
            String eq = "(" + guard + t.sql + " " + op + " ?)";
            return ne ? "NOT " + eq : eq;
        }
        if (criteria instanceof Criteria.In in) {
            PropertyPath path = scalarPath(in.field(), "in");
            if (in.values().isEmpty()) {
                return "1=0";
            }
            Target t = target(path);
            String guard = guard(t, params, negated);
            params.addAll(t.params);
            StringBuilder sb = new StringBuilder("(" + guard + t.sql + " IN (");
            for (int i = 0; i < in.values().size(); i++) {
                sb.append(i == 0 ? "?" : ", ?");
                Object operand = model.storedOperand(path, path.leafType(), in.values().get(i));
                dialect.checkOperand(model.name() + "." + path, path.leafKind(), operand);
                params.add(dialect.compareParam(t.kind, operand));
            }
            return sb.append("))").toString();
        }
        if (criteria instanceof Criteria.StartsWith s) {
            PropertyPath path = model.path(s.field());
            if (path.leafKind() != ValueKind.STRING) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": startsWith needs a text field, but it is "
                        + path.leafKind());
            }
            dialect.checkOperand(model.name() + "." + path, ValueKind.STRING, s.prefix());
            Target t = target(path);
            String guard = guard(t, params, negated);
            return "(" + guard + dialect.startsWith(t.sql, t.params, s.prefix(), params) + ")";
        }
        if (criteria instanceof Criteria.IsNull n) {
            PropertyPath path = model.path(n.field());
            Column root = table.column(path.root().name());
            if (path.isTopLevel() && root != null) {
                return column(path).sql + " IS NULL";
            }
            if (path.multiValued()) {
                throw collectionPath(path);
            }
            if (path.isTopLevel() && table.generated(path.root().name()) != null
                    || path.leafKind().isScalar() && dialect.supportsNested(path.leafKind())) {
                Target t = target(path);
                params.addAll(t.params);
                return t.sql + " IS NULL";
            }
            // a whole record, list or map inside JSON (or a kind not compared there): missing or JSON null
            String col = dialect.quote(root == null ? table.document.name() : root.name());
            List<String> inner = root == null ? path.segments() : path.segments().subList(1, path.segments().size());
            return "(" + dialect.jsonIsNull(col, inner, params) + ")";
        }
        if (criteria instanceof Criteria.Contains c) {
            PropertyPath path = model.path(c.field());
            if (path.leafKind() != ValueKind.LIST) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": contains needs a collection field, but it is "
                        + path.leafKind() + "; use eq");
            }
            if (path.multiValued()) {
                throw collectionPath(path);
            }
            Object element = model.storedOperand(path, path.elementType(), c.value());
            dialect.checkOperand(model.name() + "." + path, path.elementKind(), element);
            Column root = table.column(path.root().name());
            String col = dialect.quote(root == null ? table.document.name() : root.name());
            List<String> inner = root == null ? path.segments() : path.segments().subList(1, path.segments().size());
            return "(" + col + " IS NOT NULL AND " + dialect.jsonContains(col, inner, nestedKind(path.elementKind()), element, params) + ")";
        }
        if (criteria instanceof Criteria.And and) {
            return join(and.parts(), " AND ", "1=1", params, negated);
        }
        if (criteria instanceof Criteria.Or or) {
            return join(or.parts(), " OR ", "1=0", params, negated);
        }
        if (criteria instanceof Criteria.Not not) {
            return "NOT (" + predicate(not.part(), params, true) + ")";
        }
        if (criteria instanceof Criteria.Related r) {
            // the same refusal as every store without a graph
            DocumentQueries.compile(model, r, null);
        }
        throw new UnsupportedQueryException("unknown criterion " + criteria);
    }

    /** @return {@code "x IS NOT NULL AND "} (its parameters added) where a null field must give FALSE, else nothing */
    private static String guard(Target t, List<Param> params, boolean needed) {
        if (!needed) {
            return "";
        }
        params.addAll(t.params);
        return t.sql + " IS NOT NULL AND ";
    }

    private String join(List<Criteria> parts, String op, String empty, List<Param> params, boolean negated) {
        if (parts.isEmpty()) {
            return empty;
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sb.append(op);
            }
            sb.append(predicate(parts.get(i), params, negated));
        }
        return sb.append(')').toString();
    }

    private PropertyPath scalarPath(String field, String op) {
        PropertyPath path = model.path(field);
        if (!path.leafKind().isScalar()) {
            throw new UnsupportedQueryException(model.name() + "." + path + ": '" + op + "' compares single values, but the field is a "
                    + path.leafKind() + (path.leafKind() == ValueKind.LIST ? "; use contains" : "; compare its nested fields by path"));
        }
        return path;
    }

    private UnsupportedQueryException collectionPath(PropertyPath path) {
        return new UnsupportedQueryException(model.name() + "." + path + ": " + dialect.name()
                + " stores do not query paths through collections; use contains on a list of scalars, "
                + "or route " + model.type().getSimpleName() + " to a document store");
    }

    private Target column(PropertyPath path) {
        Column c = table.column(path.root().name());
        return new Target(dialect.quote(c.name()), List.of(), c.kind());
    }

    /** The expression to compare a path on. */
    private Target target(PropertyPath path) {
        if (table.column(path.root().name()) == null) { // the document layout: inside the document column
            Column generated = path.isTopLevel() ? table.generated(path.root().name()) : null;
            if (generated != null) { // the same value, computed by the database into an indexed column
                return new Target(dialect.quote(generated.name()), List.of(), nestedKind(generated.kind()));
            }
            return inDocument(path, dialect.quote(table.document.name()), path.segments());
        }
        if (path.isTopLevel()) {
            Column c = table.column(path.root().name());
            return new Target(dialect.comparable(dialect.quote(c.name()), c.kind()), List.of(), c.kind());
        }
        return inDocument(path, dialect.quote(table.column(path.root().name()).name()),
                path.segments().subList(1, path.segments().size()));
    }

    /** A scalar inside a JSON column, at a path of keys. */
    private Target inDocument(PropertyPath path, String column, List<String> keys) {
        if (path.multiValued()) {
            throw collectionPath(path);
        }
        ValueKind kind = path.leafKind();
        if (!dialect.supportsNested(kind)) {
            throw Dialect.nestedUnsupported(dialect.name(), kind);
        }
        List<Param> params = new ArrayList<>();
        String sql = dialect.jsonScalar(column, keys, kind, params);
        return new Target(sql, params, nestedKind(kind));
    }

    /** Inside JSON, enums, UUIDs and dates are text. */
    private static ValueKind nestedKind(ValueKind kind) {
        return switch (kind) {
            case ENUM, UUID, LOCAL_DATE -> ValueKind.STRING;
            default -> kind;
        };
    }

    // ---- order and keyset ----------------------------------------------------------------------

    private List<Target> sortTargets(List<Sort> sort) {
        List<Target> out = new ArrayList<>();
        for (PropertyPath p : DocumentQueries.sortPaths(model, sort)) {
            out.add(target(p));
        }
        return out;
    }

    /** {@code ORDER BY} with the id tie-breaker. */
    Expr orderBy(List<Sort> sort) {
        List<Param> params = new ArrayList<>();
        StringBuilder sb = new StringBuilder(" ORDER BY ");
        List<Target> targets = sortTargets(sort);
        for (int i = 0; i < targets.size(); i++) {
            boolean asc = sort.get(i).ascending();
            for (String item : dialect.orderKey(targets.get(i).sql, targets.get(i).kind, asc)) {
                params.addAll(targets.get(i).params);
                sb.append(item).append(", ");
            }
        }
        sb.append(dialect.quote(table.id.name())).append(" ASC");
        return new Expr(sb.toString(), params);
    }

    /** The keyset predicate: rows after the cursor in the query's order. */
    Expr after(List<Sort> sort, Cursor cursor) {
        List<Object> values = DocumentQueries.cursorValues(model, sort, cursor);
        List<Target> targets = sortTargets(sort);
        List<Param> params = new ArrayList<>();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i <= targets.size(); i++) {
            if (i > 0) {
                sb.append(" OR ");
            }
            sb.append('(');
            for (int j = 0; j < i; j++) {
                Target t = targets.get(j);
                Object v = values.get(j);
                params.addAll(t.params);
                if (v == null) {
                    sb.append(t.sql).append(" IS NULL AND ");
                } else {
                    sb.append(t.sql).append(" = ? AND ");
                    params.add(dialect.compareParam(t.kind, v));
                }
            }
            if (i == targets.size()) {
                sb.append(dialect.quote(table.id.name())).append(" > ?");
                params.add(dialect.compareParam(table.id.kind(), values.get(i)));
            } else {
                Target t = targets.get(i);
                Object v = values.get(i);
                boolean asc = sort.get(i).ascending();
                if (asc && v == null) {
                    sb.append(t.sql).append(" IS NOT NULL");
                    params.addAll(t.params);
                } else if (asc) {
                    sb.append(t.sql).append(" > ?");
                    params.addAll(t.params);
                    params.add(dialect.compareParam(t.kind, v));
                } else if (v == null) {
                    sb.append("1=0"); // nulls come last in descending order: nothing follows them on this key
                } else {
                    sb.append('(').append(t.sql).append(" < ? OR ").append(t.sql).append(" IS NULL)");
                    params.addAll(t.params);
                    params.add(dialect.compareParam(t.kind, v));
                    params.addAll(t.params);
                }
            }
            sb.append(')');
        }
        return new Expr(sb.append(')').toString(), params);
    }
}
