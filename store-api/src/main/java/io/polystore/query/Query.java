package io.polystore.query;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to find: an optional {@link Criteria}, sort keys, a page size and a keyset {@link Cursor}.
 * Immutable; each method returns a new query.
 * <pre>{@code
 * Query q = Query.where(eq("status", ACTIVE)).orderBy(Sort.asc("name")).limit(20);
 * Page<User> first = users.find(q);
 * Page<User> second = users.find(q.after(first.next().orElseThrow()));
 * }</pre>
 * Results are always ordered: by the sort keys, then by id ascending, so that ties are broken the
 * same way on every back end and cursors are exact.
 */
public final class Query {
    private static final Query ALL = new Query(null, List.of(), 0, null);

    private final Criteria criteria;
    private final List<Sort> sort;
    private final int limit;
    private final Cursor after;

    private Query(Criteria criteria, List<Sort> sort, int limit, Cursor after) {
        this.criteria = criteria;
        this.sort = sort;
        this.limit = limit;
        this.after = after;
    }

    /** @return a query for every entity */
    public static Query all() {
        return ALL;
    }

    /**
     * @param criteria the condition
     * @return a query for entities matching it
     */
    public static Query where(Criteria criteria) {
        return new Query(Objects.requireNonNull(criteria, "criteria"), List.of(), 0, null);
    }

    /**
     * @param keys sort keys, most significant first; replaces earlier ones
     * @return this query, sorted
     */
    public Query orderBy(Sort... keys) {
        return orderBy(Arrays.asList(keys));
    }

    /**
     * @param keys sort keys, most significant first; replaces earlier ones
     * @return this query, sorted
     */
    public Query orderBy(List<Sort> keys) {
        return new Query(criteria, List.copyOf(keys), limit, after);
    }

    /**
     * @param pageSize the most entities a {@link Page} holds; must be positive
     * @return this query with a page size
     */
    public Query limit(int pageSize) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("limit must be positive, but was " + pageSize);
        }
        return new Query(criteria, sort, pageSize, after);
    }

    /**
     * @param cursor the {@link Page#next()} of the previous page of this same query
     * @return this query, continuing after the cursor
     */
    public Query after(Cursor cursor) {
        return new Query(criteria, sort, limit, Objects.requireNonNull(cursor, "cursor"));
    }

    /** @return the condition; empty means every entity */
    public Optional<Criteria> criteria() {
        return Optional.ofNullable(criteria);
    }

    /** @return the sort keys, most significant first (the id tie-breaker is implicit) */
    public List<Sort> sort() {
        return sort;
    }

    /** @return the page size, or 0 for all matching entities in one page */
    public int limit() {
        return limit;
    }

    /** @return where to continue */
    public Optional<Cursor> cursor() {
        return Optional.ofNullable(after);
    }

    @Override
    public String toString() {
        return "Query[where=" + criteria + ", orderBy=" + sort + ", limit=" + limit + (after == null ? "" : ", after") + "]";
    }
}
