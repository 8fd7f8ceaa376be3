package io.polystore.demo.model;

import io.polystore.annotation.Id;

/**
 * Names the store that holds the follow graph: {@code polystore.yaml} routes this type to the graph
 * store, and the app asks that store for its {@link io.polystore.GraphOperations}. Follows are
 * {@value #TYPE} relationships between {@link User} references; no {@code Follow} entity is saved.
 *
 * @param id unused
 */
public record Follow(@Id String id) {
    /** The relationship type. */
    public static final String TYPE = "FOLLOWS";
}
