package io.polystore.internal.mem;

import io.polystore.EntityRef;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.Conflicts;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.WritePlan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Repository of the in-memory store. Entities are kept as documents (never as the caller's
 * objects), so what a caller does with an entity after saving it cannot change the stored one.
 */
final class MemRepository<T, ID> implements Repository<T, ID> {

    /** A stored document; never modified after it is made. */
    private record Entry(Map<String, Object> doc, long version, Instant expiresAt) {
        boolean liveAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    private final MemStore store;
    private final EntityModel<T> model;
    private final ConcurrentHashMap<Object, Entry> data = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    MemRepository(MemStore store, EntityModel<T> model) {
        this.store = store;
        this.model = model;
    }

    @Override
    public EntityModel<T> model() {
        return model;
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public T save(T entity) {
        return store.read(() -> {
            WritePlan plan = plan(model.toDocument(entity));
            write(plan);
            return plan.result(model, entity);
        });
    }

    private WritePlan plan(Map<String, Object> doc) {
        WritePlan plan = WritePlan.of(model, doc, this::nextId);
        if (plan.id() instanceof Long l) {
            sequence.accumulateAndGet(l, Math::max);
        }
        return plan;
    }

    private void write(WritePlan plan) {
        Entry fresh = new Entry(plan.document(), plan.versioned() ? plan.next() : plan.storedVersion(model), plan.expiresAt());
        Object key = plan.id();
        Entry[] previous = new Entry[1];
        data.compute(key, (k, old) -> {
            Entry live = old != null && old.liveAt(Instant.now()) ? old : null;
            if (plan.versioned() && (plan.expected() == 0 ? live != null : live == null || live.version != plan.expected())) {
                throw Conflicts.onSave(model, k, plan.expected(), live == null ? Conflicts.ABSENT : live.version);
            }
            previous[0] = old;
            return fresh;
        });
        store.onWrite(() -> restore(key, previous[0]));
    }

    private void restore(Object key, Entry previous) {
        if (previous == null) {
            data.remove(key);
        } else {
            data.put(key, previous);
        }
    }

    private long nextId() {
        while (true) {
            long id = sequence.incrementAndGet();
            if (!data.containsKey(id)) {
                return id;
            }
        }
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (T e : entities) {
            docs.add(model.toDocument(e));
        }
        List<Map<String, Object>> saved = store.inTransaction(() -> {
            List<Map<String, Object>> out = new ArrayList<>(docs.size());
            for (Map<String, Object> d : docs) {
                WritePlan plan = plan(d);
                write(plan);
                out.add(plan.document());
            }
            return out;
        });
        List<T> result = new ArrayList<>(saved.size());
        for (Map<String, Object> d : saved) {
            result.add(model.fromDocument(d));
        }
        return result;
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        List<WritePlan> plans = WritePlan.asIs(model, entities);
        store.inTransaction(() -> {
            for (WritePlan plan : plans) {
                if (plan.id() instanceof Long l) {
                    sequence.accumulateAndGet(l, Math::max);
                }
                write(plan);
            }
            return null;
        });
        return plans.size();
    }

    private Entry live(Object id) {
        Entry e = data.get(id);
        if (e == null) {
            return null;
        }
        if (!e.liveAt(Instant.now())) {
            data.remove(id, e);
            return null;
        }
        return e;
    }

    @Override
    public Optional<T> findById(ID id) {
        Object key = model.normalizeId(id);
        return store.read(() -> {
            Entry e = live(key);
            return e == null ? Optional.empty() : Optional.of(model.fromDocument(e.doc));
        });
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        Set<Object> keys = new LinkedHashSet<>();
        for (ID id : ids) {
            keys.add(model.normalizeId(id));
        }
        return store.read(() -> {
            List<T> out = new ArrayList<>();
            for (Object k : keys) {
                Entry e = live(k);
                if (e != null) {
                    out.add(model.fromDocument(e.doc));
                }
            }
            return out;
        });
    }

    @Override
    public boolean existsById(ID id) {
        Object key = model.normalizeId(id);
        return store.read(() -> live(key) != null);
    }

    @Override
    public boolean deleteById(ID id) {
        Object key = model.normalizeId(id);
        return store.read(() -> deleteKey(key));
    }

    private boolean deleteKey(Object key) {
        Entry old = data.remove(key);
        if (old == null) {
            return false;
        }
        store.onWrite(() -> data.put(key, old));
        return old.liveAt(Instant.now());
    }

    @Override
    public boolean delete(T entity) {
        WritePlan.Deletion deletion = WritePlan.Deletion.of(model, entity);
        Object id = deletion.id();
        if (!deletion.versioned()) {
            return store.read(() -> deleteKey(id));
        }
        return store.read(() -> {
            Entry[] removed = new Entry[1];
            data.computeIfPresent(id, (k, old) -> {
                if (old.liveAt(Instant.now()) && old.version != deletion.expected()) {
                    throw Conflicts.onDelete(model, k, deletion.expected(), old.version);
                }
                removed[0] = old;
                return null;
            });
            Entry old = removed[0];
            if (old == null) {
                return false;
            }
            store.onWrite(() -> data.put(id, old));
            return old.liveAt(Instant.now());
        });
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        List<Object> keys = new ArrayList<>();
        for (ID id : ids) {
            keys.add(model.normalizeId(id));
        }
        return store.read(() -> {
            long n = 0;
            for (Object k : keys) {
                if (deleteKey(k)) {
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public long deleteAll() {
        return store.read(() -> {
            long n = 0;
            for (Object k : new ArrayList<>(data.keySet())) {
                if (deleteKey(k)) {
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public long count() {
        return store.read(() -> {
            Instant now = Instant.now();
            return data.values().stream().filter(e -> e.liveAt(now)).count();
        });
    }

    @Override
    public long count(Query query) {
        Predicate<Map<String, Object>> filter = filter(query);
        return store.read(() -> {
            Instant now = Instant.now();
            return data.values().stream().filter(e -> e.liveAt(now)).map(Entry::doc).filter(filter).count();
        });
    }

    private Predicate<Map<String, Object>> filter(Query query) {
        return DocumentQueries.filter(model, query, (self, r) -> store.graph().isRelated(self, r));
    }

    /** Matching documents in query order, after the cursor; all of them when limit is 0. */
    private List<Map<String, Object>> select(Query query, int limit) {
        Predicate<Map<String, Object>> filter = filter(query);
        Comparator<Map<String, Object>> order = DocumentQueries.comparator(model, query.sort());
        Predicate<Map<String, Object>> after = query.cursor()
                .map(c -> DocumentQueries.after(model, query.sort(), c))
                .orElse(d -> true);
        return store.read(() -> {
            Instant now = Instant.now();
            Stream<Map<String, Object>> s = data.values().stream().filter(e -> e.liveAt(now)).map(Entry::doc)
                    .filter(filter).filter(after).sorted(order);
            return (limit > 0 ? s.limit(limit) : s).toList();
        });
    }

    @Override
    public Page<T> find(Query query) {
        return DocumentQueries.page(model, query, select(query, query.limit() > 0 ? query.limit() + 1 : 0));
    }

    @Override
    public Stream<T> stream(Query query) {
        return select(query, 0).stream().map(model::fromDocument);
    }

    /** @return whether an entity with this reference exists here */
    boolean exists(EntityRef ref) {
        return ref.entity().equals(model.name()) && live(model.idFromString(ref.id())) != null;
    }

    @Override
    public String toString() {
        return "MemRepository[" + model.name() + " in " + store.name() + "]";
    }
}
