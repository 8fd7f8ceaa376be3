package io.polystore.graph.internal;

import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;

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
     */
    record OrderKey(String expr, boolean ascending) {
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
     * @param lowered a lowered condition
     * @return a condition true of every entity it matches
     */
    Where where(Lowered lowered) {
        Map<String, Object> params = new HashMap<>();
        boolean[] exact = {true};
        String text = translate(lowered, params, exact);
        return text == null ? Where.NONE : new Where(text, params, exact[0]);
    }

    /**
     * The query's order in Cypher, when Cypher orders exactly as the API does: every sort key a
     * copied whole number or boolean (text may be copied as a digest, and other kinds are not
     * copied), nulls first as the API has them, then the id: text ids by code point, which is
     * Neo4j's order of strings, whole-number ids by value.
     *
     * @param order the lowered order, the id tie-break last
     * @return the keys; or null when Cypher cannot give the API's order
     */
    List<OrderKey> order(List<LoweredQuery.SortKey> order) {
        List<OrderKey> keys = new ArrayList<>();
        String id = idExpr();
        if (id == null) {
            return null;
        }
        for (LoweredQuery.SortKey k : order) {
            if (isId(k.field())) {
                keys.add(new OrderKey(id, k.ascending()));
                continue;
            }
            PropertyModel p = copiedField(k.field());
            if (p == null || (p.kind() != ValueKind.LONG && p.kind() != ValueKind.BOOLEAN)) {
                return null;
            }
            String prop = "n." + Cypher.quote(p.name());
            keys.add(new OrderKey("CASE WHEN " + prop + " IS NULL THEN 0 ELSE 1 END", k.ascending()));
            keys.add(new OrderKey(prop, k.ascending()));
        }
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

    private boolean isId(Lowered.Field field) {
        return field.tieBreak() || isId(field.name());
    }

    /**
     * The keyset condition "after the cursor", for an order {@link #order} accepted.
     *
     * @param after  the lowered keyset condition ({@link io.polystore.spi.LoweredQuery#after})
     * @param params where its parameters go
     * @return the condition, exact
     */
    String after(Lowered after, Map<String, Object> params) {
        boolean[] exact = {true};
        String text = translate(after, params, exact);
        if (text == null || !exact[0]) {
            throw new IllegalStateException(model.name() + ": a keyset condition Cypher cannot print exactly: " + after);
        }
        return text;
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
    private PropertyModel copiedField(Lowered.Field field) {
        PropertyPath path = field.path();
        if (!path.isTopLevel() || path.multiValued()) {
            return null;
        }
        return copied.contains(path.root()) ? path.root() : null;
    }

    /**
     * @param exact set to false when the condition is only a superset (a part left to the exact check)
     * @return a condition, or null when Cypher cannot narrow by these criteria
     */
    private String translate(Lowered c, Map<String, Object> params, boolean[] exact) {
        String t = translateExactly(c, params, exact);
        if (t == null) {
            exact[0] = false;
        }
        return t;
    }

    private String translateExactly(Lowered c, Map<String, Object> params, boolean[] exact) {
        if (c instanceof Lowered.Compare cmp && isId(cmp.field()) && idExpr() != null) {
            // ids are never null and order in Cypher as in the API (see idExpr)
            return idExpr() + " " + cmp.op().symbol() + " " + param(params, idOperand(cmp.operand()));
        }
        if (c instanceof Lowered.In in && isId(in.field()) && idExpr() != null) {
            List<Object> operands = new ArrayList<>();
            for (Object v : in.operands()) {
                operands.add(idOperand(v));
            }
            return idExpr() + " IN " + param(params, operands);
        }
        if (c instanceof Lowered.Compare cmp) {
            PropertyModel p = copiedField(cmp.field());
            if (p == null || cmp.op() != Criteria.Op.EQ && p.kind() != ValueKind.LONG && p.kind() != ValueKind.BOOLEAN) {
                return null; // ranges of text may compare digests; other kinds are not copied
            }
            String prop = "n." + Cypher.quote(p.name());
            return guarded(prop, prop + " " + cmp.op().symbol() + " " + param(params, nodeValue(p.kind(), cmp.operand())),
                    cmp.guarded());
        }
        if (c instanceof Lowered.In in) {
            PropertyModel p = copiedField(in.field());
            if (p == null) {
                return null;
            }
            List<Object> operands = new ArrayList<>();
            for (Object v : in.operands()) {
                operands.add(nodeValue(p.kind(), v));
            }
            String prop = "n." + Cypher.quote(p.name());
            return guarded(prop, prop + " IN " + param(params, operands), in.guarded());
        }
        if (c instanceof Lowered.StartsWith s) {
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
        if (c instanceof Lowered.IsNull n) {
            if (isId(n.field())) {
                return "false"; // ids are never null
            }
            PropertyModel p = copiedField(n.field());
            return p == null ? null : "n." + Cypher.quote(p.name()) + " IS NULL";
        }
        if (c instanceof Lowered.NotNull n) {
            if (isId(n.field())) {
                return "true";
            }
            PropertyModel p = copiedField(n.field());
            return p == null ? null : "n." + Cypher.quote(p.name()) + " IS NOT NULL";
        }
        if (c instanceof Lowered.Related r) {
            return related(r.criterion(), params);
        }
        if (c instanceof Lowered.And and) {
            List<String> parts = new ArrayList<>();
            for (Lowered part : and.parts()) {
                String t = translate(part, params, exact);
                if (t != null) {
                    parts.add(t);
                }
            }
            return parts.isEmpty() ? null : "(" + String.join(" AND ", parts) + ")";
        }
        if (c instanceof Lowered.Or or) {
            List<String> parts = new ArrayList<>();
            for (Lowered part : or.parts()) {
                String t = translate(part, params, exact);
                if (t == null) {
                    return null; // one part that cannot narrow makes the whole disjunction unnarrowable
                }
                parts.add(t);
            }
            return "(" + String.join(" OR ", parts) + ")";
        }
        if (c instanceof Lowered.Not not) {
            // only an exact condition can be negated (the negation of a superset is a subset); its
            // leaves are guarded, so it is never null and NOT is plain negation
            boolean[] innerExact = {true};
            String inner = translate(not.part(), params, innerExact);
            return inner == null || !innerExact[0] ? null : "NOT (" + inner + ")";
        }
        if (c instanceof Lowered.Constant k) {
            return k == Lowered.Constant.TRUE ? "true" : "false";
        }
        return null; // contains: decided by the exact check
    }

    /** @return the condition, made false rather than null where the property is null when it must be */
    private static String guarded(String prop, String condition, boolean guarded) {
        return guarded ? "(" + prop + " IS NOT NULL AND " + condition + ")" : condition;
    }

    /** @return the pattern condition of a relationship criterion */
    String related(Criteria.Related r, Map<String, Object> params) {
        String other = "(o:" + Cypher.quote(store.label(r.other().entity())) + " {_id: " + param(params, r.other().id()) + "})";
        String rel = "[:" + Cypher.quote(Cypher.check(r.type(), "relationship type")) + "]";
        String pattern = switch (r.direction()) {
            case OUTGOING -> "(n)-" + rel + "->" + other;
            case INCOMING -> "(n)<-" + rel + "-" + other;
            case BOTH -> "(n)-" + rel + "-" + other;
        };
        return "EXISTS { MATCH " + pattern + " }";
    }
}
