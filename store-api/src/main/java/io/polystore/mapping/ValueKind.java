package io.polystore.mapping;

/**
 * How a property's value is stored and compared. Back ends choose column types, index structures
 * and comparison rules from it; every back end compares values of one kind the same way:
 * <ul>
 *   <li>{@link #STRING}, {@link #ENUM} (by name) and {@link #UUID} (lower-case text): by Unicode code point;</li>
 *   <li>{@link #LONG}, {@link #DOUBLE}, {@link #DECIMAL}: numerically;</li>
 *   <li>{@link #INSTANT} and {@link #OFFSET_DATE_TIME}: by instant on the time line;</li>
 *   <li>local dates and times, {@link #DURATION}: chronologically; {@link #BOOLEAN}: false before true;</li>
 *   <li>{@link #BYTES}, {@link #OBJECT}, {@link #LIST}, {@link #MAP}: not ordered.</li>
 * </ul>
 * A missing or {@code null} value sorts before every other value.
 */
public enum ValueKind {
    /** Text. */
    STRING,
    /** {@code byte}, {@code short}, {@code int}, {@code long} and their boxes. */
    LONG,
    /** {@code float}, {@code double} and their boxes. */
    DOUBLE,
    /** {@link java.math.BigDecimal} and {@link java.math.BigInteger}; scale is kept. */
    DECIMAL,
    /** {@code boolean} and {@link Boolean}. */
    BOOLEAN,
    /** An enum, stored by {@link Enum#name()}. */
    ENUM,
    /** {@link java.util.UUID}. */
    UUID,
    /** {@link java.time.Instant}. */
    INSTANT,
    /** {@link java.time.OffsetDateTime}; the offset is kept. */
    OFFSET_DATE_TIME,
    /** {@link java.time.LocalDate}. */
    LOCAL_DATE,
    /** {@link java.time.LocalDateTime}. */
    LOCAL_DATE_TIME,
    /** {@link java.time.LocalTime}. */
    LOCAL_TIME,
    /** {@link java.time.Duration}. */
    DURATION,
    /** {@code byte[]}, stored as Base64 in documents. */
    BYTES,
    /** A nested record or class. */
    OBJECT,
    /** A {@link java.util.Collection} or array (other than {@code byte[]}). */
    LIST,
    /** A {@link java.util.Map} with {@code String} keys. */
    MAP;

    /** @return whether values of this kind can be compared with lt/le/gt/ge and sorted */
    public boolean isOrdered() {
        return switch (this) {
            case BYTES, OBJECT, LIST, MAP -> false;
            default -> true;
        };
    }

    /** @return whether this kind is a single value (not a nested object, list or map) */
    public boolean isScalar() {
        return switch (this) {
            case OBJECT, LIST, MAP -> false;
            default -> true;
        };
    }
}
