package io.polystore.relational.internal;

import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a {@link Lowered} query as SQL with bound parameters. The semantics are decided by the
 * lowering: a guarded leaf (one under a {@code NOT}) is {@code (x IS NOT NULL AND x op ?)}, so it is
 * never SQL NULL and {@code NOT} is plain negation; an unguarded one is the bare {@code x op ?},
 * which computes {@code x}, maybe a JSON extraction per row, once instead of twice. What is left here
 * is where a path lives (a column, a generated column, inside a JSON column) and what each dialect
 * can compare there. Nulls sort first ascending; the id tie-break is the primary key.
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
        return where(Lowered.of(model, criteria));
    }

    /** @return the condition printed as SQL, with its parameters */
    Expr where(Lowered lowered) {
        List<Param> params = new ArrayList<>();
        String sql = print(lowered, params);
        return new Expr(sql, params);
    }

    private String print(Lowered lowered, List<Param> params) {
        if (lowered instanceof Lowered.Compare c) {
            if (c.field().tieBreak()) {
                params.add(dialect.compareParam(table.id.kind(), c.operand()));
                return "(" + dialect.quote(table.id.name()) + " " + c.op().symbol() + " ?)";
            }
            PropertyPath path = c.field().path();
            dialect.checkOperand(model.name() + "." + path, path.leafKind(), c.operand());
            Target t = target(path);
            String guard = guard(t, params, c.guarded());
            params.addAll(t.params);
            params.add(dialect.compareParam(t.kind, c.operand()));
            return "(" + guard + t.sql + " " + c.op().symbol() + " ?)";
        }
        if (lowered instanceof Lowered.In in) {
            PropertyPath path = in.field().path();
            Target t = target(path);
            String guard = guard(t, params, in.guarded());
            params.addAll(t.params);
            StringBuilder sb = new StringBuilder("(" + guard + t.sql + " IN (");
            for (int i = 0; i < in.operands().size(); i++) {
                sb.append(i == 0 ? "?" : ", ?");
                Object operand = in.operands().get(i);
                dialect.checkOperand(model.name() + "." + path, path.leafKind(), operand);
                params.add(dialect.compareParam(t.kind, operand));
            }
            return sb.append("))").toString();
        }
        if (lowered instanceof Lowered.StartsWith s) {
            PropertyPath path = s.field().path();
            dialect.checkOperand(model.name() + "." + path, ValueKind.STRING, s.prefix());
            Target t = target(path);
            String guard = guard(t, params, s.guarded());
            return "(" + guard + dialect.startsWith(t.sql, t.params, s.prefix(), params) + ")";
        }
        if (lowered instanceof Lowered.IsNull n) {
            return isNull(n.field().path(), params);
        }
        if (lowered instanceof Lowered.NotNull n) {
            Target t = target(n.field().path());
            params.addAll(t.params);
            return t.sql + " IS NOT NULL";
        }
        if (lowered instanceof Lowered.Contains c) {
            PropertyPath path = c.field().path();
            if (path.multiValued()) {
                throw collectionPath(path);
            }
            dialect.checkOperand(model.name() + "." + path, c.elementKind(), c.element());
            Column root = table.column(path.root().name());
            String col = dialect.quote(root == null ? table.document.name() : root.name());
            List<String> inner = root == null ? path.segments() : path.segments().subList(1, path.segments().size());
            return "(" + col + " IS NOT NULL AND " + dialect.jsonContains(col, inner, nestedKind(c.elementKind()), c.element(), params) + ")";
        }
        if (lowered instanceof Lowered.And and) {
            return join(and.parts(), " AND ", params);
        }
        if (lowered instanceof Lowered.Or or) {
            return join(or.parts(), " OR ", params);
        }
        if (lowered instanceof Lowered.Not not) {
            return "NOT (" + print(not.part(), params) + ")";
        }
        if (lowered instanceof Lowered.Related r) {
            throw Lowered.unsupported(model, r.criterion());
        }
        if (lowered instanceof Lowered.Constant c) {
            return c == Lowered.Constant.TRUE ? "1=1" : "1=0";
        }
        throw new UnsupportedQueryException("unknown criterion " + lowered);
    }

    private String isNull(PropertyPath path, List<Param> params) {
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

    /** @return {@code "x IS NOT NULL AND "} (its parameters added) where a null field must give FALSE, else nothing */
    private static String guard(Target t, List<Param> params, boolean needed) {
        if (!needed) {
            return "";
        }
        params.addAll(t.params);
        return t.sql + " IS NOT NULL AND ";
    }

    private String join(List<Lowered> parts, String op, List<Param> params) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sb.append(op);
            }
            sb.append(print(parts.get(i), params));
        }
        return sb.append(')').toString();
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

    /** {@code ORDER BY}: the sort keys, then the id tie-break. */
    Expr orderBy(List<LoweredQuery.SortKey> order) {
        List<Param> params = new ArrayList<>();
        StringBuilder sb = new StringBuilder(" ORDER BY ");
        for (LoweredQuery.SortKey k : order) {
            if (k.field().tieBreak()) {
                sb.append(dialect.quote(table.id.name())).append(" ASC, ");
                continue;
            }
            Target t = target(k.field().path());
            for (String item : dialect.orderKey(t.sql, t.kind, k.ascending())) {
                params.addAll(t.params);
                sb.append(item).append(", ");
            }
        }
        sb.setLength(sb.length() - 2);
        return new Expr(sb.toString(), params);
    }
}
