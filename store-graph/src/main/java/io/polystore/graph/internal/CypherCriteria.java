package io.polystore.graph.internal;

import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Cypher can narrow a query by. The {@code @Indexed} top-level fields of kinds text, enum, UUID,
 * whole number and boolean are copied to node properties of the same name (each with a Neo4j
 * index); on them, {@code eq}, {@code ne}, {@code in}, {@code startsWith}, {@code isNull}, and the
 * ranges of whole numbers become Cypher conditions with parameters, as do relationship criteria.
 * Everything else (other fields, nested paths, {@code contains}, {@code not}, text ranges, which
 * Cypher orders differently from the API) narrows nothing here and is decided by the exact check
 * that follows in {@link Neo4jRepository}. A condition is therefore always true of every match:
 * a superset, never a subset.
 *
 * <p>A copied text longer than {@link #MAX_COPIED_BYTES} in UTF-8 (a Neo4j index entry must fit
 * in about 8 KiB) is stored as {@link #DIGEST_MARK} plus its SHA-256; operands get the same
 * treatment, so equality still narrows exactly.
 */
final class CypherCriteria {
    static final int MAX_COPIED_BYTES = 4000;
    static final String DIGEST_MARK = "\u0001sha256:";
    private static final Set<ValueKind> COPIED = Set.of(ValueKind.STRING, ValueKind.ENUM, ValueKind.UUID, ValueKind.LONG,
            ValueKind.BOOLEAN);

    /**
     * A Cypher condition on {@code n} with its parameters; empty text narrows nothing.
     *
     * @param exact whether it matches exactly the entities the criteria match (not a superset), so
     *              that Cypher may order, count and limit on its own
     */
    record Where(String text, Map<String, Object> params, boolean exact) {
        static final Where NONE = new Where("", Map.of(), false);
        /** no criteria: every live entity */
        static final Where ALL = new Where("", Map.of(), true);
    }

    /**
     * One key of a Cypher {@code ORDER BY} that orders as the API does.
     *
     * @param expr      a Cypher expression on {@code n}
     * @param ascending its direction
     * @param nullFlag  whether it is the 0/1 flag ordering nulls (which the API puts first) before the value
     */
    record OrderKey(String expr, boolean ascending, boolean nullFlag) {
    }

    private final EntityModel<?> model;
    private final Neo4jStore store;
    private final List<PropertyModel> copied = new ArrayList<>();

    CypherCriteria(EntityModel<?> model, Neo4jStore store) {
        this.model = model;
        this.store = store;
        for (PropertyModel p : model.indexed()) {
            if (COPIED.contains(p.kind()) && !p.name().startsWith("_")) {
                copied.add(p);
            }
        }
    }

    /** @return the fields copied to node properties */
    List<PropertyModel> copied() {
        return copied;
    }

    /** Copies the indexed fields of a document to node properties. */
    void copy(Map<String, Object> doc, Map<String, Object> props) {
        for (PropertyModel p : copied) {
            Object v = nodeValue(p.kind(), doc.get(p.name()));
            if (v != null) {
                props.put(p.name(), v);
            }
        }
    }

    /** The node property value for a stored value (also for query operands, so both compare alike). */
    private static Object nodeValue(ValueKind kind, Object stored) {
        if (stored == null) {
            return null;
        }
        if (kind == ValueKind.LONG && stored instanceof Number n) {
            return n.longValue();
        }
        if (stored instanceof String s && s.length() * 3 > MAX_COPIED_BYTES
                && s.getBytes(StandardCharsets.UTF_8).length > MAX_COPIED_BYTES) {
            return DIGEST_MARK + Cypher.digest(s);
        }
        return stored;
    }

    /**
     * @param criteria checked criteria (DocumentQueries.compile has accepted them)
     * @return a condition true of every entity the criteria match
     */
    Where where(Criteria criteria) {
        Map<String, Object> params = new HashMap<>();
        boolean[] exact = {true};
        String text = translate(criteria, params, exact);
        return text == null ? Where.NONE : new Where(text, params, exact[0]);
    }

    /**
     * The query's order in Cypher, when Cypher orders exactly as the API does: every sort key a
     * copied whole number or boolean (text may be copied as a digest, and other kinds are not
     * copied), nulls first as the API has them, then the id: text ids by code point, which is
     * Neo4j's order of strings, whole-number ids by value.
     *
     * @return the keys, the id last; or null when Cypher cannot give the API's order
     */
    List<OrderKey> order(List<io.polystore.query.Sort> sort) {
        List<OrderKey> keys = new ArrayList<>();
        for (io.polystore.query.Sort k : sort) {
            PropertyModel p = copiedField(k.field());
            if (p == null || (p.kind() != ValueKind.LONG && p.kind() != ValueKind.BOOLEAN)) {
                return null;
            }
            String prop = "n." + Cypher.quote(p.name());
            keys.add(new OrderKey("CASE WHEN " + prop + " IS NULL THEN 0 ELSE 1 END", k.ascending(), true));
            keys.add(new OrderKey(prop, k.ascending(), false));
        }
        switch (model.id().kind()) {
            case STRING, UUID -> keys.add(new OrderKey("n._id", true, false));
            case LONG -> keys.add(new OrderKey("toInteger(n._id)", true, false));
            default -> {
                return null;
            }
        }
        return keys;
    }

    /**
     * The keyset condition "after the cursor" in the order of {@link #order}: for each key, the
     * earlier keys equal and this one beyond, joined by OR.
     *
     * @param keys   what {@link #order} gave
     * @param values the cursor's values in stored form (DocumentQueries.cursorValues): one per sort key, then the id
     */
    String after(List<OrderKey> keys, List<Object> values, Map<String, Object> params) {
        // each sort key became a null flag and a value; the cursor gives the value, the flag follows from it
        List<Object> expanded = new ArrayList<>();
        for (int i = 0; i + 1 < values.size(); i++) {
            Object v = values.get(i);
            expanded.add(v == null ? 0L : 1L);
            expanded.add(parameter(v));
        }
        expanded.add(parameter(values.get(values.size() - 1)));
        List<String> disjuncts = new ArrayList<>();
        List<String> equal = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            OrderKey k = keys.get(i);
            Object v = expanded.get(i);
            boolean nullValue = !k.nullFlag() && v == null; // the flag before it said null: equal, never beyond
            if (!nullValue) {
                String beyond = k.expr() + (k.ascending() ? " > " : " < ") + param(params, v);
                disjuncts.add(equal.isEmpty() ? beyond : "(" + String.join(" AND ", equal) + " AND " + beyond + ")");
                equal.add(k.expr() + " = " + param(params, v));
            }
        }
        return "(" + String.join(" OR ", disjuncts) + ")";
    }

    /** A stored value as a Cypher parameter: whole numbers as longs, UUIDs as their text (as node ids are). */
    private static Object parameter(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        return v instanceof java.util.UUID u ? u.toString() : v;
    }

    private String param(Map<String, Object> params, Object value) {
        String name = "c" + params.size();
        params.put(name, value);
        return "$" + name;
    }

    /** @return the copied field a path names, or null */
    private PropertyModel copiedField(String field) {
        PropertyPath path = model.path(field);
        if (!path.isTopLevel() || path.multiValued()) {
            return null;
        }
        return copied.contains(path.root()) ? path.root() : null;
    }

    /**
     * @param exact set to false when the condition is only a superset (a part left to the exact check)
     * @return a condition, or null when Cypher cannot narrow by these criteria
     */
    private String translate(Criteria c, Map<String, Object> params, boolean[] exact) {
        String t = translateExactly(c, params, exact);
        if (t == null) {
            exact[0] = false;
        }
        return t;
    }

    private String translateExactly(Criteria c, Map<String, Object> params, boolean[] exact) {
        if (c instanceof Criteria.Compare cmp) {
            PropertyModel p = copiedField(cmp.field());
            if (p == null || cmp.value() == null) {
                return null;
            }
            PropertyPath path = model.path(cmp.field());
            Object operand = nodeValue(p.kind(), model.storedOperand(path, path.leafType(), cmp.value()));
            String prop = "n." + Cypher.quote(p.name());
            return switch (cmp.op()) {
                case EQ -> prop + " = " + param(params, operand);
                case NE -> "(" + prop + " IS NULL OR " + prop + " <> " + param(params, operand) + ")";
                case LT, LE, GT, GE -> p.kind() != ValueKind.LONG ? null
                        : prop + " " + cmp.op().symbol() + " " + param(params, operand);
            };
        }
        if (c instanceof Criteria.In in) {
            PropertyModel p = copiedField(in.field());
            if (p == null) {
                return null;
            }
            PropertyPath path = model.path(in.field());
            List<Object> operands = new ArrayList<>();
            for (Object v : in.values()) {
                if (v == null) {
                    return null;
                }
                operands.add(nodeValue(p.kind(), model.storedOperand(path, path.leafType(), v)));
            }
            return "n." + Cypher.quote(p.name()) + " IN " + param(params, operands);
        }
        if (c instanceof Criteria.StartsWith s) {
            PropertyModel p = copiedField(s.field());
            if (p == null || p.kind() != ValueKind.STRING) {
                return null;
            }
            String prop = "n." + Cypher.quote(p.name());
            // a long text is copied as its digest: it may still start with the prefix (so this is a superset)
            exact[0] = false;
            return "(" + prop + " STARTS WITH " + param(params, s.prefix()) + " OR " + prop + " STARTS WITH "
                    + param(params, DIGEST_MARK) + ")";
        }
        if (c instanceof Criteria.IsNull n) {
            PropertyModel p = copiedField(n.field());
            return p == null ? null : "n." + Cypher.quote(p.name()) + " IS NULL";
        }
        if (c instanceof Criteria.Related r) {
            String other = "(o:" + Cypher.quote(store.label(r.other().entity())) + " {_id: " + param(params, r.other().id()) + "})";
            String rel = "[:" + Cypher.quote(Cypher.check(r.type(), "relationship type")) + "]";
            String pattern = switch (r.direction()) {
                case OUTGOING -> "(n)-" + rel + "->" + other;
                case INCOMING -> "(n)<-" + rel + "-" + other;
                case BOTH -> "(n)-" + rel + "-" + other;
            };
            return "EXISTS { MATCH " + pattern + " }";
        }
        if (c instanceof Criteria.And and) {
            List<String> parts = new ArrayList<>();
            for (Criteria part : and.parts()) {
                String t = translate(part, params, exact);
                if (t != null) {
                    parts.add(t);
                }
            }
            return parts.isEmpty() ? null : "(" + String.join(" AND ", parts) + ")";
        }
        if (c instanceof Criteria.Or or) {
            List<String> parts = new ArrayList<>();
            for (Criteria part : or.parts()) {
                String t = translate(part, params, exact);
                if (t == null) {
                    return null; // one part that cannot narrow makes the whole disjunction unnarrowable
                }
                parts.add(t);
            }
            return parts.isEmpty() ? null : "(" + String.join(" OR ", parts) + ")";
        }
        return null; // not, contains: decided by the exact check
    }
}
