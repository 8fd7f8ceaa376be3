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
 * ranges of whole numbers become Cypher conditions with parameters, as do relationship criteria and
 * every comparison and {@code in} on the id ({@code n._id}). Everything else (other fields, nested
 * paths, {@code contains}, {@code not}, ranges of copied text, which may be a digest) narrows nothing
 * here and is decided by the exact check that follows in {@link Neo4jRepository}. A condition is
 * therefore always true of every match: a superset, never a subset; {@link Where#exact()} says when
 * it is the matches themselves, so that Cypher may also order, count and limit.
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
     * @param value     the index of the cursor value it compares with (the sort key's, or the id's last)
     * @param id        whether it orders by the id (whose cursor value becomes its key, see {@link #idOperand})
     */
    record OrderKey(String expr, boolean ascending, boolean nullFlag, int value, boolean id) {
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
        String id = idExpr();
        if (id == null) {
            return null;
        }
        for (int i = 0; i < sort.size(); i++) {
            io.polystore.query.Sort k = sort.get(i);
            if (isId(k.field())) {
                keys.add(new OrderKey(id, k.ascending(), false, i, true));
                continue;
            }
            PropertyModel p = copiedField(k.field());
            if (p == null || (p.kind() != ValueKind.LONG && p.kind() != ValueKind.BOOLEAN)) {
                return null;
            }
            String prop = "n." + Cypher.quote(p.name());
            keys.add(new OrderKey("CASE WHEN " + prop + " IS NULL THEN 0 ELSE 1 END", k.ascending(), true, i, false));
            keys.add(new OrderKey(prop, k.ascending(), false, i, false));
        }
        keys.add(new OrderKey(id, true, false, sort.size(), true));
        return keys;
    }

    /**
     * @return the id as Cypher orders it like the API, or null: whole-number ids by value; text and
     *         UUID ids by their key {@code _key}, the hex of their UTF-8 bytes. Neo4j's order of
     *         strings depends on the plan (an index orders by UTF-8 bytes, which is code point order;
     *         comparisons and sorts in the runtime by UTF-16 units, which put U+10000 and above
     *         before U+E000); ASCII hex orders the same both ways, and as the API orders ids.
     */
    private String idExpr() {
        return switch (model.id().kind()) {
            case STRING, UUID -> "n._key";
            case LONG -> "toInteger(n._id)";
            default -> null;
        };
    }

    /** @return whether nodes of this type carry {@code _key} */
    boolean keyed() {
        ValueKind k = model.id().kind();
        return k == ValueKind.STRING || k == ValueKind.UUID;
    }

    /** @return the {@code _key} of a text id: the hex of its UTF-8 bytes */
    static String key(String idText) {
        return java.util.HexFormat.of().formatHex(idText.getBytes(StandardCharsets.UTF_8));
    }

    /** @return an id operand (stored form) as what {@link #idExpr} compares with */
    private Object idOperand(Object stored) {
        Object v = parameter(stored);
        return keyed() ? key(v.toString()) : v;
    }

    private boolean isId(String field) {
        return field.equals(model.id().name());
    }

    /**
     * The keyset condition "after the cursor" in the order of {@link #order}: for each key, the
     * earlier keys equal and this one beyond, joined by OR.
     *
     * @param keys   what {@link #order} gave
     * @param values the cursor's values in stored form (DocumentQueries.cursorValues): one per sort key, then the id
     */
    String after(List<OrderKey> keys, List<Object> values, Map<String, Object> params) {
        List<String> disjuncts = new ArrayList<>();
        List<String> equal = new ArrayList<>();
        for (OrderKey k : keys) {
            Object v = values.get(k.value());
            if (!k.nullFlag() && v == null) {
                continue; // the flag before it said null: equal there, never beyond
            }
            Object operand = k.nullFlag() ? (Object) (v == null ? 0L : 1L) : k.id() ? idOperand(v) : parameter(v);
            String beyond = k.expr() + (k.ascending() ? " > " : " < ") + param(params, operand);
            disjuncts.add(equal.isEmpty() ? beyond : "(" + String.join(" AND ", equal) + " AND " + beyond + ")");
            equal.add(k.expr() + " = " + param(params, operand));
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
        if (c instanceof Criteria.Compare cmp && isId(cmp.field()) && idExpr() != null) {
            // ids are never null and order in Cypher as in the API (see idExpr)
            PropertyPath path = model.path(cmp.field());
            String operand = param(params, idOperand(model.storedOperand(path, path.leafType(), cmp.value())));
            return idExpr() + " " + cmp.op().symbol() + " " + operand;
        }
        if (c instanceof Criteria.In in && isId(in.field()) && idExpr() != null) {
            PropertyPath path = model.path(in.field());
            List<Object> operands = new ArrayList<>();
            for (Object v : in.values()) {
                operands.add(idOperand(model.storedOperand(path, path.leafType(), v)));
            }
            return idExpr() + " IN " + param(params, operands);
        }
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
