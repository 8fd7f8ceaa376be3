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
     * A relationship {@code from -[type]-> to}, for {@link #relateAll}.
     *
     * @param from the start
     * @param type the relationship type
     * @param to   the end
     */
    record Relationship(EntityRef from, String type, EntityRef to) {
        /**
         * @param from the start
         * @param type the relationship type
         * @param to   the end
         * @throws NullPointerException for a null component
         */
        public Relationship {
            java.util.Objects.requireNonNull(from, "from");
            java.util.Objects.requireNonNull(type, "type");
            java.util.Objects.requireNonNull(to, "to");
        }
    }

    /**
     * Creates each relationship that does not exist yet, as {@link #relate} does one: for bulk
     * loads. Neo4j sends them in batches of 1 000, one transaction and round trip per batch (and
     * per pair of entity types), instead of one per relationship. Not atomic as a whole unless
     * run inside a {@link Transactional} transaction: a failure leaves the batches before it.
     *
     * @param relationships the relationships
     */
    default void relateAll(java.util.Collection<Relationship> relationships) {
        for (Relationship r : relationships) {
            relate(r.from(), r.type(), r.to());
        }
    }

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
