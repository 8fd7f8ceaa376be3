package io.polystore.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The first {@code n} documents of a stream in a query's order, kept in a bounded heap: a back end
 * that must read every candidate of a limited query holds the page, not the candidates. Not
 * thread-safe.
 *
 * <pre>{@code
 * FirstN first = new FirstN(DocumentQueries.comparator(model, query.sort()), query.limit() + 1);
 * candidates.forEach(first);
 * List<Map<String, Object>> page = first.sorted();
 * }</pre>
 */
public final class FirstN implements Consumer<Map<String, Object>> {
    private final Comparator<Map<String, Object>> order;
    private final int n;
    /** the best so far, worst on top */
    private final PriorityQueue<Map<String, Object>> best;

    /**
     * @param order the query's order ({@link DocumentQueries#comparator})
     * @param n     how many to keep, at least 1
     */
    public FirstN(Comparator<Map<String, Object>> order, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        this.order = order;
        this.n = n;
        this.best = new PriorityQueue<>(n + 1, order.reversed());
    }

    @Override
    public void accept(Map<String, Object> doc) {
        if (best.size() < n) {
            best.add(doc);
        } else if (order.compare(doc, best.peek()) < 0) {
            best.poll();
            best.add(doc);
        }
    }

    /** @return the documents kept, in order */
    public List<Map<String, Object>> sorted() {
        List<Map<String, Object>> out = new ArrayList<>(best);
        out.sort(order);
        return out;
    }
}
