package io.polystore.query;

import java.util.Objects;

/**
 * One sort key: a field and a direction. Nulls sort first in ascending order and last in descending order.
 *
 * @param field     a dotted path to a single-valued, ordered field
 * @param ascending the direction
 */
public record Sort(String field, boolean ascending) {
    /**
     * @param field     a dotted path to a single-valued, ordered field
     * @param ascending the direction
     * @throws NullPointerException for a null field
     */
    public Sort {
        Objects.requireNonNull(field, "field");
    }

    /**
     * @param field a dotted path
     * @return ascending order
     */
    public static Sort asc(String field) {
        return new Sort(field, true);
    }

    /**
     * @param field a dotted path
     * @return descending order
     */
    public static Sort desc(String field) {
        return new Sort(field, false);
    }

    @Override
    public String toString() {
        return field + (ascending ? " asc" : " desc");
    }
}
