package io.polystore.spi;

import io.polystore.EntityRef;
import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.mapping.Values;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Evaluates {@link Criteria}, sort orders and cursors on documents in memory, with exactly the
 * semantics the API documents. The in-memory store is built on it; other back ends use it to check
 * or post-filter what their own query language cannot express. Thread-safe; stateless.
 */
public final class DocumentQueries {

    /** Answers {@link Criteria.Related} for one document; stores without a graph pass {@code null}. */
    @FunctionalInterface
    public interface RelationResolver {
        /**
         * @param self      the queried entity
         * @param criterion the relationship asked for
         * @return whether {@code self} has that relationship
         */
        boolean isRelated(EntityRef self, Criteria.Related criterion);
    }

    private DocumentQueries() {
    }

    /**
     * Compiles criteria into a predicate on documents of an entity, converting operands once.
     *
     * @param model    the entity's mapping
     * @param criteria the criteria
     * @param related  answers relationship criteria, or null when the store has no graph
     * @return the predicate
     * @throws UnsupportedQueryException for unknown fields, unfit operands, or relationship criteria without a resolver
     */
    public static Predicate<Map<String, Object>> compile(EntityModel<?> model, Criteria criteria, RelationResolver related) {
        return compile(model, Lowered.of(model, criteria), related);
    }

    /**
     * The in-memory printer of the lowered form: each node as the predicate it means. Two-valued
     * throughout (a missing value fails every comparison), so guards need no code here; a path
     * through a collection matches when any of its values does.
     */
    private static Predicate<Map<String, Object>> compile(EntityModel<?> model, Lowered lowered, RelationResolver related) {
        if (lowered instanceof Lowered.Compare c) {
            ValueKind kind = c.field().kind();
            Object operand = c.operand();
            Predicate<Object> test = switch (c.op()) {
                case EQ, NE -> v -> Values.equal(kind, v, operand);
                case LT -> v -> Values.compare(kind, v, operand) < 0;
                case LE -> v -> Values.compare(kind, v, operand) <= 0;
                case GT -> v -> Values.compare(kind, v, operand) > 0;
                case GE -> v -> Values.compare(kind, v, operand) >= 0;
            };
            PropertyPath path = c.field().path();
            return doc -> anyValue(doc, path, test);
        }
        if (lowered instanceof Lowered.In in) {
            ValueKind kind = in.field().kind();
            List<Object> operands = in.operands();
            return doc -> anyValue(doc, in.field().path(), v -> {
                for (Object o : operands) {
                    if (Values.equal(kind, v, o)) {
                        return true;
                    }
                }
                return false;
            });
        }
        if (lowered instanceof Lowered.StartsWith s) {
            String prefix = s.prefix();
            return doc -> anyValue(doc, s.field().path(), v -> v.toString().startsWith(prefix));
        }
        if (lowered instanceof Lowered.IsNull n) {
            return doc -> !anyValue(doc, n.field().path(), v -> true);
        }
        if (lowered instanceof Lowered.NotNull n) {
            return doc -> anyValue(doc, n.field().path(), v -> true);
        }
        if (lowered instanceof Lowered.Contains c) {
            ValueKind kind = c.elementKind();
            Object operand = c.element();
            return doc -> anyValue(doc, c.field().path(), v -> {
                if (v instanceof Collection<?> list) {
                    for (Object e : list) {
                        if (Values.equal(kind, e, operand)) {
                            return true;
                        }
                    }
                }
                return false;
            });
        }
        if (lowered instanceof Lowered.And and) {
            List<Predicate<Map<String, Object>>> parts = compileAll(model, and.parts(), related);
            return doc -> {
                for (Predicate<Map<String, Object>> p : parts) {
                    if (!p.test(doc)) {
                        return false;
                    }
                }
                return true;
            };
        }
        if (lowered instanceof Lowered.Or or) {
            List<Predicate<Map<String, Object>>> parts = compileAll(model, or.parts(), related);
            return doc -> {
                for (Predicate<Map<String, Object>> p : parts) {
                    if (p.test(doc)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (lowered instanceof Lowered.Not not) {
            return compile(model, not.part(), related).negate();
        }
        if (lowered instanceof Lowered.Related r) {
            if (related == null) {
                throw Lowered.unsupported(model, r.criterion());
            }
            return doc -> related.isRelated(new EntityRef(model.name(), model.idToString(model.idFromDocument(doc))), r.criterion());
        }
        if (lowered instanceof Lowered.Constant k) {
            return k == Lowered.Constant.TRUE ? doc -> true : doc -> false;
        }
        throw new UnsupportedQueryException("unknown criterion " + lowered);
    }

    private static List<Predicate<Map<String, Object>>> compileAll(EntityModel<?> model, List<Lowered> parts,
                                                                   RelationResolver related) {
        List<Predicate<Map<String, Object>>> out = new ArrayList<>(parts.size());
        for (Lowered c : parts) {
            out.add(compile(model, c, related));
        }
        return out;
    }

    /**
     * Whether any non-null value at a path passes a test (paths through collections yield one
     * value per element).
     */
    private static boolean anyValue(Map<String, Object> doc, PropertyPath path, Predicate<Object> test) {
        return anyValue(doc, path.segments(), 0, test);
    }

    private static boolean anyValue(Object node, List<String> segments, int i, Predicate<Object> test) {
        if (node == null) {
            return false;
        }
        if (i == segments.size()) {
            return test.test(node);
        }
        if (node instanceof Map<?, ?> map) {
            return anyValue(map.get(segments.get(i)), segments, i + 1, test);
        }
        if (node instanceof Collection<?> list) {
            for (Object e : list) {
                if (anyValue(e, segments, i, test)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The single value at a path of a document, or null.
     *
     * @param doc  a document
     * @param path a path that does not cross a collection
     * @return the stored value there
     */
    public static Object valueAt(Map<String, Object> doc, PropertyPath path) {
        Object node = doc;
        for (String s : path.segments()) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(s);
        }
        return node;
    }

    /**
     * Resolves sort keys, rejecting unordered or multi-valued fields.
     *
     * @param model the entity's mapping
     * @param sort  the sort keys
     * @return their paths, in order
     * @throws UnsupportedQueryException if a key cannot be sorted on
     */
    public static List<PropertyPath> sortPaths(EntityModel<?> model, List<Sort> sort) {
        List<PropertyPath> paths = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Sort s : sort) {
            PropertyPath p = model.path(s.field());
            if (!p.leafKind().isOrdered() || p.multiValued()) {
                throw new UnsupportedQueryException(model.name() + "." + p + ": cannot sort on a "
                        + (p.multiValued() ? "path through a collection" : p.leafKind() + " field"));
            }
            if (!seen.add(s.field())) {
                throw new UnsupportedQueryException(model.name() + ": field '" + s.field() + "' appears twice in the sort order");
            }
            paths.add(p);
        }
        return paths;
    }

    /**
     * The total order of a query's results: its sort keys, then id ascending.
     *
     * @param model the entity's mapping
     * @param sort  the sort keys
     * @return a comparator of documents
     */
    public static Comparator<Map<String, Object>> comparator(EntityModel<?> model, List<Sort> sort) {
        List<PropertyPath> paths = sortPaths(model, sort);
        String id = model.id().name();
        ValueKind idKind = model.id().kind();
        return (a, b) -> {
            for (int i = 0; i < paths.size(); i++) {
                PropertyPath p = paths.get(i);
                int c = Values.compare(p.leafKind(), valueAt(a, p), valueAt(b, p));
                if (c != 0) {
                    return sort.get(i).ascending() ? c : -c;
                }
            }
            return Values.compare(idKind, a.get(id), b.get(id));
        };
    }

    /**
     * The cursor positioned after a document.
     *
     * @param model the entity's mapping
     * @param sort  the query's sort keys
     * @param doc   the last document of a page
     * @return the cursor
     */
    public static Cursor cursorAfter(EntityModel<?> model, List<Sort> sort, Map<String, Object> doc) {
        List<Object> values = new ArrayList<>();
        for (PropertyPath p : sortPaths(model, sort)) {
            values.add(valueAt(doc, p));
        }
        values.add(doc.get(model.id().name()));
        return new Cursor(Cursor.signature(model.name(), sort), values);
    }

    /**
     * Whether a document comes after a cursor in a query's order.
     *
     * @param model  the entity's mapping
     * @param sort   the query's sort keys
     * @param cursor a cursor made for this query
     * @return a predicate on documents
     * @throws UnsupportedQueryException if the cursor belongs to another query
     */
    public static Predicate<Map<String, Object>> after(EntityModel<?> model, List<Sort> sort, Cursor cursor) {
        List<Object> values = cursorValues(model, sort, cursor);
        Comparator<Map<String, Object>> order = comparator(model, sort);
        List<PropertyPath> paths = sortPaths(model, sort);
        Map<String, Object> pivot = new java.util.HashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            put(pivot, paths.get(i).segments(), values.get(i));
        }
        pivot.put(model.id().name(), values.get(paths.size()));
        return doc -> order.compare(doc, pivot) > 0;
    }

    /**
     * The values of a cursor, checked against the query and converted to the stored form of each
     * sort key's kind (then the id's). Cursors travel in URLs, so a token may have been altered:
     * every back end reads cursor values through this method, so that an altered or foreign token
     * is refused the same way everywhere and no unchecked value reaches a query.
     *
     * @param model  the entity's mapping
     * @param sort   the query's sort keys
     * @param cursor a cursor, possibly decoded from a token
     * @return the sort-key values, then the id, in stored form
     * @throws UnsupportedQueryException if the cursor belongs to another query or a value does not fit its field
     */
    public static List<Object> cursorValues(EntityModel<?> model, List<Sort> sort, Cursor cursor) {
        cursor.check(model.name(), sort);
        List<PropertyPath> paths = sortPaths(model, sort);
        List<Object> out = new ArrayList<>(paths.size() + 1);
        for (int i = 0; i < paths.size(); i++) {
            out.add(cursorValue(model, paths.get(i).toString(), paths.get(i).leafKind(), cursor.values().get(i)));
        }
        Object id = cursor.values().get(paths.size());
        if (id == null) {
            throw alteredCursor(model, model.id().name(), "null");
        }
        out.add(cursorValue(model, model.id().name(), model.id().kind(), id));
        return out;
    }

    private static Object cursorValue(EntityModel<?> model, String field, ValueKind kind, Object v) {
        if (v == null) {
            return null;
        }
        try {
            switch (kind) {
                case STRING, ENUM, BYTES:
                    if (v instanceof String) {
                        return v;
                    }
                    break;
                case UUID:
                    if (v instanceof String s) {
                        java.util.UUID.fromString(s);
                        return s;
                    }
                    break;
                case LONG:
                    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                        return ((Number) v).longValue();
                    }
                    if (v instanceof java.math.BigInteger b) {
                        return b.longValueExact();
                    }
                    break;
                case DOUBLE:
                    if (v instanceof Number n) {
                        return n instanceof java.math.BigDecimal d ? d.doubleValue() : n.doubleValue();
                    }
                    break;
                case DECIMAL:
                    if (v instanceof java.math.BigDecimal d) {
                        return d;
                    }
                    if (v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger) {
                        return new java.math.BigDecimal(v.toString());
                    }
                    break;
                case BOOLEAN:
                    if (v instanceof Boolean) {
                        return v;
                    }
                    break;
                case INSTANT, OFFSET_DATE_TIME, LOCAL_DATE, LOCAL_DATE_TIME, LOCAL_TIME, DURATION:
                    if (v instanceof String) {
                        Values.compare(kind, v, v); // parses it
                        return v;
                    }
                    break;
                default:
                    break;
            }
        } catch (RuntimeException e) {
            throw alteredCursor(model, field, describe(v));
        }
        throw alteredCursor(model, field, describe(v));
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return (s.length() > 40 ? s.substring(0, 40) + "..." : s) + " (" + v.getClass().getSimpleName() + ")";
    }

    private static UnsupportedQueryException alteredCursor(EntityModel<?> model, String field, String value) {
        return new UnsupportedQueryException(model.name() + ": the cursor's value for '" + field + "' is " + value
                + ", which no entity can hold: the cursor token was altered or made for another version of the entity;"
                + " start again from the first page");
    }

    /**
     * A query's criteria as a predicate ({@link #compile}), or one that accepts every document when
     * the query has none. The query's sort and cursor play no part.
     *
     * @param model   the entity's mapping
     * @param query   the query
     * @param related answers relationship criteria, or null when the store has no graph
     * @return the predicate
     * @throws UnsupportedQueryException as {@link #compile}
     */
    public static Predicate<Map<String, Object>> filter(EntityModel<?> model, Query query, RelationResolver related) {
        return query.criteria().map(c -> compile(model, c, related)).orElse(d -> true);
    }

    /**
     * The matches of a query among candidates a store narrowed to (a superset of the matches), each
     * checked with the reference semantics, in query order after the query's cursor: the first
     * {@code limit} (in a bounded heap, so memory holds the page, not the candidates), or all of
     * them when {@code limit} is 0. For back ends whose query language cannot answer exactly.
     *
     * @param model      the entity's mapping
     * @param query      the query
     * @param limit      how many to keep ({@code query.limit() + 1} for a page), 0 for all
     * @param related    answers relationship criteria, or null when the store has no graph
     * @param candidates hands every candidate document to the sink it is given
     * @return the matches in query order
     * @throws UnsupportedQueryException for criteria, sorts or cursors that do not fit the entity
     */
    public static List<Map<String, Object>> select(EntityModel<?> model, Query query, int limit, RelationResolver related,
                                                   java.util.function.Consumer<java.util.function.Consumer<Map<String, Object>>> candidates) {
        Predicate<Map<String, Object>> test = filter(model, query, related);
        if (query.cursor().isPresent()) {
            test = test.and(after(model, query.sort(), query.cursor().get()));
        }
        Comparator<Map<String, Object>> order = comparator(model, query.sort());
        Predicate<Map<String, Object>> matches = test;
        if (limit <= 0) {
            List<Map<String, Object>> all = new ArrayList<>();
            candidates.accept(d -> {
                if (matches.test(d)) {
                    all.add(d);
                }
            });
            all.sort(order);
            return all;
        }
        FirstN first = new FirstN(order, limit);
        candidates.accept(d -> {
            if (matches.test(d)) {
                first.accept(d);
            }
        });
        return first.sorted();
    }

    /**
     * Builds a page from the matching documents of a query, in query order, fetched with one more
     * than the limit (a store fetches {@code limit + 1} to know whether a next page exists).
     *
     * @param model the entity's mapping
     * @param query the query
     * @param docs  matching documents in query order: at most {@code limit + 1}, or all when the query has no limit
     * @param <T>   the entity type
     * @return the page, with a cursor after its last entity when more matched
     */
    public static <T> Page<T> page(EntityModel<T> model, Query query, List<Map<String, Object>> docs) {
        int limit = query.limit();
        List<Map<String, Object>> shown = docs;
        Cursor next = null;
        if (limit > 0 && docs.size() > limit) {
            shown = docs.subList(0, limit);
            next = cursorAfter(model, query.sort(), shown.get(limit - 1));
        }
        if (query.cursor().isPresent() && !docs.isEmpty()) {
            checkProgress(model, query, docs, next);
        }
        List<T> content = new ArrayList<>(shown.size());
        for (Map<String, Object> d : shown) {
            content.add(model.fromDocument(d));
        }
        return new Page<>(content, next);
    }

    /**
     * The guard that keeps paging from looping or skipping: a page read after a cursor must start
     * after it, be in the query's order, and not hand out the same cursor again. A back end whose
     * database ordered or compared differently from the API's semantics fails here, loudly, rather
     * than repeating or skipping rows.
     */
    private static void checkProgress(EntityModel<?> model, Query query, List<Map<String, Object>> docs, Cursor next) {
        Cursor cursor = query.cursor().orElseThrow();
        if (cursor.equals(next)) {
            throw new io.polystore.StoreException(model.name() + ": a page after cursor " + cursor.values()
                    + " would hand out the same cursor again (the store compared values differently from its order); "
                    + "stopped instead of paging forever: " + query);
        }
        Comparator<Map<String, Object>> order = comparator(model, query.sort());
        if (!after(model, query.sort(), cursor).test(docs.get(0))) {
            throw new io.polystore.StoreException(model.name() + ": the page after cursor " + cursor.values()
                    + " starts with an entity that does not follow it (id " + docs.get(0).get(model.id().name())
                    + "); the store ordered values differently from the API's order: " + query);
        }
        for (int i = 1; i < docs.size(); i++) {
            if (order.compare(docs.get(i - 1), docs.get(i)) >= 0) {
                throw new io.polystore.StoreException(model.name() + ": the store returned entities out of the query's order"
                        + " (ids " + docs.get(i - 1).get(model.id().name()) + ", " + docs.get(i).get(model.id().name())
                        + "), so paging would repeat or skip rows: " + query);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> doc, List<String> segments, Object value) {
        Map<String, Object> node = doc;
        for (int i = 0; i < segments.size() - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(segments.get(i), k -> new java.util.HashMap<String, Object>());
        }
        node.put(segments.get(segments.size() - 1), value);
    }
}
