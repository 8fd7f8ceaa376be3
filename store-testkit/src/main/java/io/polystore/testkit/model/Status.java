package io.polystore.testkit.model;

/** Account status of a {@link Person}. */
public enum Status {
    /** in use */
    ACTIVE,
    /** temporarily blocked */
    SUSPENDED,
    /** gone */
    CLOSED
}
