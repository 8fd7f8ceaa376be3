package io.polystore;

import io.polystore.query.Criteria.Direction;

import java.util.List;
import java.util.Optional;

/**
 * Capability: relationships between entities, which may live in other stores (they are named by
 * {@link EntityRef}). Relationships have a type ({@code "FOLLOWS"}) and a direction; relating two
 * entities twice with one type keeps one relationship. Obtain with
 * {@code store.capability(GraphOperations.class)}. Thread-safe.
 */
public interface GraphOperations {

    /**
     * Creates the relationship {@code from -[type]-> to} if it does not exist.
     *
     * @param from the start
     * @param type the relationship type
     * @param to   the end
     */
    void relate(EntityRef from, String type, EntityRef to);

    /**
     * @param from the start
     * @param type the relationship type
     * @param to   the end
     * @return whether a relationship was removed
     */
    boolean unrelate(EntityRef from, String type, EntityRef to);

    /**
     * The distinct entities reachable from {@code start} in 1 to {@code depth} steps, nearest
     * first, not including {@code start}.
     *
     * @param start     where to start
     * @param type      the relationship type to follow
     * @param direction which way to follow it
     * @param depth     the most steps, at least 1
     * @return the entities reached, nearest first (ties in no particular order)
     */
    List<EntityRef> neighbours(EntityRef start, String type, Direction direction, int depth);

    /**
     * A shortest path between two entities.
     *
     * @param from      the start
     * @param to        the end
     * @param type      the relationship type to follow
     * @param direction which way to follow it
     * @param maxDepth  the most steps, at least 1
     * @return the entities on the path, from {@code from} to {@code to} inclusive; empty if none within maxDepth
     */
    Optional<List<EntityRef>> shortestPath(EntityRef from, EntityRef to, String type, Direction direction, int maxDepth);
}
