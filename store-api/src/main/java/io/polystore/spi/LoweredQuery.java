package io.polystore.spi;

import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole query lowered for printing: its condition, its total order and its keyset cursor. The
 * order is the query's sort keys (each a single ordered value, nulls first ascending and last
 * descending, as the API documents) followed by the id ascending, the tie-break that makes the
 * order total. The cursor is expanded into the condition "after this position" in that order:
 *
 * <pre>
 *   k1 beyond v1
 *   OR (k1 = v1 AND k2 beyond v2)
 *   OR ...
 *   OR (k1 = v1 AND ... AND kn = vn AND id &gt; vid)
 * </pre>
 *
 * where "beyond" is {@code > v} ascending, {@code < v OR IS NULL} descending, {@code IS NOT NULL}
 * ascending after a null, and nothing (FALSE) descending after a null; "= v" is {@code IS NULL} for a
 * null. Its leaves are never under a NOT, so none is guarded. A printer prints {@link #where} and
 * {@link #after} with the same code and the {@link #order} as its ORDER BY.
 *
 * @param where the condition, or null for none (every entity)
 * @param order the sort keys, the id tie-break last
 * @param after the keyset condition, or null when the query has no cursor
 * @param limit the page size, 0 for none
 */
public record LoweredQuery(Lowered where, List<SortKey> order, Lowered after, int limit) {

    /**
     * One key of the total order.
     *
     * @param field     the field (for the tie-break, {@link Lowered.Field#tieBreak()} is set)
     * @param ascending its direction
     */
    public record SortKey(Lowered.Field field, boolean ascending) {
    }

    /**
     * Lowers a query, checking criteria, sort keys and cursor with the messages every back end gives.
     *
     * @param model the entity's mapping
     * @param query the query
     * @return the lowered query
     * @throws io.polystore.UnsupportedQueryException if a part cannot be answered, or the cursor was
     *                                                altered or made for another query
     */
    public static LoweredQuery of(EntityModel<?> model, Query query) {
        Lowered where = query.criteria().map(c -> Lowered.of(model, c)).orElse(null);
        List<SortKey> order = order(model, query.sort());
        Lowered after = query.cursor().map(c -> after(order, DocumentQueries.cursorValues(model, query.sort(), c))).orElse(null);
        return new LoweredQuery(where, order, after, query.limit());
    }

    /**
     * The total order of a query.
     *
     * @param model the entity's mapping
     * @param sort  the query's sort keys
     * @return its keys, then the id ascending
     * @throws io.polystore.UnsupportedQueryException if a key cannot be sorted on
     */
    public static List<SortKey> order(EntityModel<?> model, List<Sort> sort) {
        List<PropertyPath> paths = DocumentQueries.sortPaths(model, sort);
        List<SortKey> keys = new ArrayList<>(paths.size() + 1);
        for (int i = 0; i < paths.size(); i++) {
            PropertyPath p = paths.get(i);
            keys.add(new SortKey(new Lowered.Field(p, p.leafKind(), false), sort.get(i).ascending()));
        }
        PropertyPath id = model.path(model.id().name());
        keys.add(new SortKey(new Lowered.Field(id, model.id().kind(), true), true));
        return List.copyOf(keys);
    }

    /**
     * The keyset condition: entities after a position in a total order.
     *
     * @param order  the total order, the tie-break last
     * @param values the position: one stored value per key (what {@link DocumentQueries#cursorValues} gives)
     * @return the condition, as the class comment shows it
     */
    public static Lowered after(List<SortKey> order, List<Object> values) {
        List<Lowered> disjuncts = new ArrayList<>(order.size());
        List<Lowered> equal = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            SortKey k = order.get(i);
            Object v = values.get(i);
            Lowered beyond;
            if (v == null) {
                beyond = k.ascending() ? new Lowered.NotNull(k.field()) : Lowered.Constant.FALSE;
            } else if (k.ascending()) {
                beyond = new Lowered.Compare(k.field(), Criteria.Op.GT, v, false);
            } else {
                beyond = new Lowered.Or(List.of(new Lowered.Compare(k.field(), Criteria.Op.LT, v, false),
                        new Lowered.IsNull(k.field())));
            }
            List<Lowered> conjuncts = new ArrayList<>(equal);
            conjuncts.add(beyond);
            disjuncts.add(new Lowered.And(List.copyOf(conjuncts)));
            equal.add(v == null ? new Lowered.IsNull(k.field()) : new Lowered.Compare(k.field(), Criteria.Op.EQ, v, false));
        }
        return new Lowered.Or(List.copyOf(disjuncts));
    }
}
