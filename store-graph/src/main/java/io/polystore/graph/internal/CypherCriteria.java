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

    /** A Cypher condition on {@code n} with its parameters; empty text narrows nothing. */
    record Where(String text, Map<String, Object> params) {
        static final Where NONE = new Where("", Map.of());
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
        String text = translate(criteria, params);
        return text == null ? Where.NONE : new Where(text, params);
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

    /** @return a condition, or null when Cypher cannot narrow by these criteria */
    private String translate(Criteria c, Map<String, Object> params) {
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
            // a long text is copied as its digest: it may still start with the prefix
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
                String t = translate(part, params);
                if (t != null) {
                    parts.add(t);
                }
            }
            return parts.isEmpty() ? null : "(" + String.join(" AND ", parts) + ")";
        }
        if (c instanceof Criteria.Or or) {
            List<String> parts = new ArrayList<>();
            for (Criteria part : or.parts()) {
                String t = translate(part, params);
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
