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
    EXPIRY
}
