package io.polystore.relational.internal;

import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.ValueKind;

/**
 * One SQL column of a table. A property maps to one column, except an {@code OffsetDateTime},
 * which maps to its instant (compared and sorted on) and an {@link Role#OFFSET} column keeping the
 * offset in seconds.
 *
 * @param name     the column name (snake_case of the field name), unquoted
 * @param property the mapped field; null for the {@link Role#DOCUMENT} column
 * @param kind     how the column holds values: the property's kind, {@code INSTANT} for the
 *                 instant part of an offset date-time, {@code LONG} for its offset
 * @param role     what the column is for
 */
record Column(String name, PropertyModel property, ValueKind kind, Role role) {
    /** What a column is for. */
    enum Role {
        /** the primary key */
        ID,
        /** an ordinary field */
        VALUE,
        /** the optimistic-lock version */
        VERSION,
        /** the offset (seconds) of an offset date-time whose instant is in the VALUE column */
        OFFSET,
        /** {@code layout: document}: every field without a column of its own, as one JSON document */
        DOCUMENT,
        /**
         * {@code layout: document}: an {@code @Indexed} field kept in the document, as a column the
         * database computes from it (never written by us), so that it can carry an index
         */
        GENERATED
    }

    boolean indexed() {
        return (role == Role.VALUE || role == Role.GENERATED) && property.isIndexed();
    }
}
