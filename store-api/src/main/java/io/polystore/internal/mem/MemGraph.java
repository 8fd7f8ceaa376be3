package io.polystore.internal.mem;

import io.polystore.EntityRef;
import io.polystore.GraphOperations;
import io.polystore.query.Criteria;
import io.polystore.query.Criteria.Direction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Graph capability of the in-memory store: adjacency sets per relationship type, both ways.
 * Relationships name entities by {@link EntityRef}, so they may point at entities in other stores.
 */
final class MemGraph implements GraphOperations {
    private record Edge(String type, EntityRef node) {
    }

    private final MemStore store;
    private final ConcurrentHashMap<EntityRef, Set<Edge>> out = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EntityRef, Set<Edge>> in = new ConcurrentHashMap<>();

    MemGraph(MemStore store) {
        this.store = store;
    }

    private static Set<Edge> edges(Map<EntityRef, Set<Edge>> index, EntityRef node) {
        return index.getOrDefault(node, Collections.emptySet());
    }

    @Override
    public void relate(EntityRef from, String type, EntityRef to) {
        check(from, type, to);
        store.read(() -> {
            boolean added = out.computeIfAbsent(from, k -> ConcurrentHashMap.newKeySet()).add(new Edge(type, to));
            in.computeIfAbsent(to, k -> ConcurrentHashMap.newKeySet()).add(new Edge(type, from));
            if (added) {
                store.onWrite(() -> unrelate(from, type, to));
            }
            return null;
        });
    }

    @Override
    public boolean unrelate(EntityRef from, String type, EntityRef to) {
        check(from, type, to);
        return store.read(() -> {
            boolean removed = edges(out, from).remove(new Edge(type, to));
            edges(in, to).remove(new Edge(type, from));
            if (removed) {
                store.onWrite(() -> relate(from, type, to));
            }
            return removed;
        });
    }

    private static void check(EntityRef from, String type, EntityRef to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(to, "to");
    }

    private List<EntityRef> step(EntityRef node, String type, Direction direction) {
        List<EntityRef> next = new ArrayList<>();
        if (direction != Direction.INCOMING) {
            for (Edge e : edges(out, node)) {
                if (e.type.equals(type)) {
                    next.add(e.node);
                }
            }
        }
        if (direction != Direction.OUTGOING) {
            for (Edge e : edges(in, node)) {
                if (e.type.equals(type)) {
                    next.add(e.node);
                }
            }
        }
        return next;
    }

    @Override
    public List<EntityRef> neighbours(EntityRef start, String type, Direction direction, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, but was " + depth);
        }
        return store.read(() -> {
            Set<EntityRef> seen = new LinkedHashSet<>();
            seen.add(start);
            List<EntityRef> frontier = List.of(start);
            for (int d = 0; d < depth && !frontier.isEmpty(); d++) {
                List<EntityRef> next = new ArrayList<>();
                for (EntityRef n : frontier) {
                    for (EntityRef m : step(n, type, direction)) {
                        if (seen.add(m)) {
                            next.add(m);
                        }
                    }
                }
                frontier = next;
            }
            seen.remove(start);
            return List.copyOf(seen);
        });
    }

    @Override
    public Optional<List<EntityRef>> shortestPath(EntityRef from, EntityRef to, String type, Direction direction, int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, but was " + maxDepth);
        }
        return store.read(() -> {
            if (from.equals(to)) {
                return Optional.of(List.of(from));
            }
            Map<EntityRef, EntityRef> parent = new HashMap<>();
            parent.put(from, from);
            ArrayDeque<EntityRef> frontier = new ArrayDeque<>(List.of(from));
            for (int d = 0; d < maxDepth && !frontier.isEmpty(); d++) {
                ArrayDeque<EntityRef> next = new ArrayDeque<>();
                for (EntityRef n : frontier) {
                    for (EntityRef m : step(n, type, direction)) {
                        if (parent.putIfAbsent(m, n) == null) {
                            if (m.equals(to)) {
                                List<EntityRef> path = new ArrayList<>();
                                for (EntityRef p = to; !p.equals(from); p = parent.get(p)) {
                                    path.add(p);
                                }
                                path.add(from);
                                Collections.reverse(path);
                                return Optional.of(List.copyOf(path));
                            }
                            next.add(m);
                        }
                    }
                }
                frontier = next;
            }
            return Optional.empty();
        });
    }

    /** Answers {@link Criteria.Related} for the query evaluator. */
    boolean isRelated(EntityRef self, Criteria.Related r) {
        return step(self, r.type(), r.direction()).contains(r.other());
    }
}
