package io.polystore.document.internal;

import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.spi.Lowered;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints a {@link Lowered} condition as a Mango selector on the {@code doc} projection of CouchDB
 * documents, built as maps and lists and written as JSON: no value, field name or cursor is ever
 * spliced into text, so nothing a user sends can become an operator.
 *
 * <p>The selector only narrows: it is true of every entity the criteria match (a superset), and
 * the repository checks each candidate exactly with the API's rules. CouchDB compares numbers as
 * doubles (ranges print the non-strict bound), collates text with ICU rather than by code point (text
 * ranges narrow nothing; equality does), treats missing fields its own way under {@code $not} and in
 * indexes, and stores times as ISO text, so {@code not}, {@code isNull}, text ranges and times are
 * left to the exact check.
 */
final class Mango {
    private static final Set<ValueKind> TEXT = Set.of(ValueKind.STRING, ValueKind.ENUM, ValueKind.UUID);

    private Mango() {
    }

    /**
     * @param lowered a lowered condition
     * @return a selector true of every match, or null when it narrows nothing
     */
    static Map<String, Object> selector(Lowered lowered) {
        return selector(lowered, false);
    }

    /**
     * @param inOr whether the condition sits inside an {@code $or} (where pouchdb-server 4.2 fails on
     *             {@code $regex}: a prefix there narrows nothing)
     */
    private static Map<String, Object> selector(Lowered lowered, boolean inOr) {
        if (lowered instanceof Lowered.Compare c) {
            String path = path(c.field());
            ValueKind kind = c.field().kind();
            if (path == null || !comparable(kind) || c.operand() == null) {
                return null;
            }
            if (TEXT.contains(kind) || kind == ValueKind.BOOLEAN) {
                return c.op() == io.polystore.query.Criteria.Op.EQ ? field(path, "$eq", value(c.operand())) : null;
            }
            String op = switch (c.op()) { // numbers: doubles may round, so ranges keep their bound
                case EQ -> "$eq";
                case LT, LE -> "$lte";
                case GT, GE -> "$gte";
                case NE -> null;
            };
            return op == null ? null : field(path, op, value(c.operand()));
        }
        if (lowered instanceof Lowered.In in) {
            String path = path(in.field());
            if (path == null || !comparable(in.field().kind())) {
                return null;
            }
            List<Object> values = new ArrayList<>();
            for (Object o : in.operands()) {
                values.add(value(o));
            }
            return field(path, "$in", values);
        }
        if (lowered instanceof Lowered.StartsWith s) {
            String path = path(s.field());
            String pattern = prefixPattern(s.prefix());
            return path == null || pattern == null || inOr ? null : field(path, "$regex", pattern);
        }
        // isNull narrows nothing: "missing" needs $exists false, which an index on the field cannot answer,
        // and pouchdb-server 4.2 answers it from such an index anyway (missing the documents without the field)
        if (lowered instanceof Lowered.Contains c) {
            String path = path(c.field());
            if (path == null || !comparable(c.elementKind())) {
                return null;
            }
            return field(path, "$elemMatch", Map.of("$eq", value(c.element())));
        }
        if (lowered instanceof Lowered.And and) {
            List<Object> parts = new ArrayList<>();
            boolean hasOr = false;
            for (Lowered p : and.parts()) {
                Map<String, Object> s = selector(p, inOr);
                if (s == null) {
                    continue;
                }
                boolean or = s.containsKey("$or");
                if (or && hasOr) {
                    continue; // pouchdb-server 4.2 keeps one $or of a conjunction: leaving the others out narrows less, never wrongly
                }
                hasOr |= or;
                conjuncts(s, parts);
            }
            return parts.isEmpty() ? null : parts.size() == 1 ? cast(parts.get(0)) : Map.of("$and", parts);
        }
        if (lowered instanceof Lowered.Or or) {
            List<Object> parts = new ArrayList<>();
            for (Lowered p : or.parts()) {
                Map<String, Object> s = selector(p, true);
                if (s == null) {
                    return null;
                }
                if (s.size() == 1 && s.get("$or") instanceof List<?> nested) {
                    parts.addAll(nested); // flat: the same meaning, and what every server reads alike
                } else if (isFieldCondition(s)) {
                    parts.add(s);
                } else {
                    return null; // a conjunction inside a disjunction: pouchdb-server 4.2 matches those wrongly
                }
            }
            return parts.size() == 1 ? cast(parts.get(0)) : Map.of("$or", parts);
        }
        return null; // not, isNull, NotNull, constants, related: decided by the exact check
    }

    /**
     * Adds a selector to a conjunction, splicing the parts of a nested {@code $and} in (pouchdb-server
     * fails on some nested conjunctions; flat ones mean the same everywhere).
     *
     * @param selector a selector
     * @param parts    the conjunction's parts
     */
    @SuppressWarnings("unchecked")
    static void conjuncts(Map<String, Object> selector, List<Object> parts) {
        if (selector.size() == 1 && selector.get("$and") instanceof List<?> nested) {
            for (Object o : nested) {
                conjuncts((Map<String, Object>) o, parts);
            }
        } else {
            parts.add(selector);
        }
    }

    /** @return whether a selector is one condition on one field (no {@code $and}/{@code $or}) */
    private static boolean isFieldCondition(Map<String, Object> selector) {
        return selector.size() == 1 && !selector.keySet().iterator().next().startsWith("$");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object selector) {
        return (Map<String, Object>) selector;
    }

    private static boolean comparable(ValueKind kind) {
        return TEXT.contains(kind) || kind == ValueKind.BOOLEAN || kind == ValueKind.LONG || kind == ValueKind.DOUBLE
                || kind == ValueKind.DECIMAL;
    }

    private static Object value(Object stored) {
        return stored instanceof java.util.UUID u ? u.toString() : stored;
    }

    private static Map<String, Object> field(String path, String op, Object value) {
        Map<String, Object> cond = new LinkedHashMap<>();
        cond.put(op, value);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(path, cond);
        return out;
    }

    /**
     * @return the Mango field path {@code doc.a.b}, or null where Mango would read a segment as
     *         something else (a dot, a backslash or a leading {@code $}) or the path crosses a collection
     */
    static String path(Lowered.Field field) {
        PropertyPath p = field.path();
        if (p.multiValued()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("doc");
        for (String s : p.segments()) {
            if (s.isEmpty() || s.indexOf('.') >= 0 || s.indexOf('\\') >= 0 || s.startsWith("$")) {
                return null;
            }
            sb.append('.').append(s);
        }
        return sb.toString();
    }

    /**
     * @return a regular expression matching text that starts with the prefix, in the syntax that
     *         JavaScript and PCRE read alike (every ASCII punctuation escaped), or null when the
     *         prefix holds control characters
     */
    static String prefixPattern(String prefix) {
        StringBuilder sb = new StringBuilder("^");
        for (int i = 0; i < prefix.length(); i++) {
            char ch = prefix.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                return null;
            }
            if (ch < 0x80 && !Character.isLetterOrDigit(ch) && ch != ' ') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
