package io.polystore.testkit;

/**
 * Optional behaviour a back end may lack. A back end declares what it lacks in
 * {@link RepositoryConformanceSuite#unsupported()}, with the reason; the suite then checks that
 * it refuses such work with the documented exception instead of answering wrongly, and skips only
 * the tests that need the feature, printing the reason.
 *
 * <p>Capabilities ({@link io.polystore.Transactional}, {@link io.polystore.KeyValueOperations},
 * {@link io.polystore.GraphOperations}) are not features: the suite reads them from
 * {@link io.polystore.Store#capabilities()}.
 */
public enum Feature {
    /** Queries on fields without {@code @Indexed}. */
    QUERY_UNINDEXED,
    /** Dotted paths into nested records and map keys ({@code address.city}). */
    NESTED_PATHS,
    /** Paths that cross a collection ({@code comments.author}). */
    COLLECTION_PATHS,
    /** {@code contains} on collection fields. */
    CONTAINS,
    /** Store-generated {@code long} ids. */
    GENERATED_LONG_IDS,
    /** {@code @Expires} entities. */
    EXPIRY,
    /**
     * Text containing U+0000 (NUL). A store that lacks it refuses such a value at save with
     * {@link io.polystore.MappingException} and as a query operand with
     * {@link io.polystore.UnsupportedQueryException}, each naming the field; nothing is written.
     */
    NUL_IN_TEXT,
    /**
     * Decimals with a negative scale ({@code 1E+3}) read back with that scale. A store that lacks
     * it refuses them at save with {@link io.polystore.MappingException} naming the field.
     */
    DECIMAL_NEGATIVE_SCALE,
    /**
     * Decimals of any size compared exactly. A store that lacks it (MySQL/MariaDB: within
     * {@code DECIMAL(65,30)}) refuses larger or finer values at save with
     * {@link io.polystore.MappingException} and as query operands with
     * {@link io.polystore.UnsupportedQueryException}, each naming the field.
     */
    DECIMAL_ANY_SIZE
}
