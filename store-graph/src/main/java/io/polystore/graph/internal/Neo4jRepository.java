package io.polystore.graph.internal;

import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.query.Criteria;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.Conflicts;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;
import io.polystore.spi.PagedStream;
import io.polystore.spi.WritePlan;
import io.polystore.spi.FirstN;
import io.polystore.spi.JsonDocuments;
import org.neo4j.driver.SimpleQueryRunner;
import org.neo4j.driver.Record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Repository of the Neo4j store: one node per entity (see {@link Neo4jStore} for the layout).
 *
 * <p>Queries: Cypher narrows the candidates with what it can answer exactly from the copied
 * {@code @Indexed} properties and from relationships ({@link CypherCriteria}); the documents it
 * returns are then checked, ordered and paged with the API's own rules ({@link DocumentQueries}), so
 * every back end answers a query the same way, however much of it Cypher could take.
 */
final class Neo4jRepository<T, ID> implements Repository<T, ID> {
    /** Entities per UNWIND in saveAll and the batch deletes. */
    private static final int CHUNK = 1000;

    private final Neo4jStore store;
    private final EntityModel<T> model;
    private final String label;
    /** {@code (n:`Label`)} */
    private final String node;
    private final boolean versioned;
    private final boolean expiring;
    private final CypherCriteria criteria;
    private final JsonDocuments<T> codec;
    private volatile boolean schemaReady;

    Neo4jRepository(Neo4jStore store, EntityModel<T> model) {
        this.store = store;
        this.model = model;
        this.label = store.label(model.name());
        this.node = "(n:" + Cypher.quote(label) + ")";
        this.versioned = model.version().isPresent();
        this.expiring = model.expires().isPresent();
        this.criteria = new CypherCriteria(model, store);
        this.codec = new JsonDocuments<>(model);
        ensureSchema();
    }

    /**
     * Creates the type's constraint and indexes once, outside any transaction: schema work inside
     * the caller's transaction would wait for the locks that transaction holds. A repository first
     * obtained (or used) inside a transaction makes it at its first use outside one; until then,
     * its unique-id constraint may be missing. Every operation calls this; after the schema exists
     * it costs one volatile read.
     */
    private void ensureSchema() {
        if (schemaReady || store.inTransaction()) {
            return;
        }
        synchronized (this) {
            if (!schemaReady) {
                createSchema();
                schemaReady = true;
            }
        }
    }

    /** @return whether the constraint and indexes have been made (for tests) */
    boolean schemaReady() {
        return schemaReady;
    }

    private void createSchema() {
        store.ensureConstraint(label);
        for (PropertyModel p : criteria.copied()) {
            store.schema("creating the index of " + label + "." + p.name(), "CREATE INDEX "
                    + Cypher.quote(Cypher.schemaName("ix", label, p.name())) + " IF NOT EXISTS FOR " + node
                    + " ON (n." + Cypher.quote(p.name()) + ")");
        }
        if (criteria.keyed()) {
            store.schema("creating the key index of " + label, "CREATE INDEX " + Cypher.quote(Cypher.schemaName("key", label))
                    + " IF NOT EXISTS FOR " + node + " ON (n._key)");
        }
        if (expiring) {
            store.schema("creating the expiry index of " + label, "CREATE INDEX " + Cypher.quote(Cypher.schemaName("exp", label))
                    + " IF NOT EXISTS FOR " + node + " ON (n._exp)");
        }
        store.awaitIndexes();
        if (criteria.keyed()) {
            addKeys();
        }
    }

    /**
     * Gives {@code _key} (the order of ids in Cypher, see CypherCriteria) to nodes stored before it
     * existed, a batch at a time; once there are none, this is one query that finds nothing.
     */
    private void addKeys() {
        String find = "MATCH " + node + " WHERE n._key IS NULL AND n._doc IS NOT NULL RETURN n._id AS id LIMIT " + CHUNK;
        String set = "UNWIND $rows AS row MATCH " + node + " WHERE n._id = row.id SET n._key = row.key";
        while (true) {
            List<String> ids = store.read("adding id keys", q -> q.run(find).list(r -> r.get("id").asString()));
            if (ids.isEmpty()) {
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String id : ids) {
                rows.add(Map.of("id", id, "key", CypherCriteria.key(id)));
            }
            store.write("adding id keys", q -> q.run(set, Map.of("rows", rows)).consume());
        }
    }

    @Override
    public EntityModel<T> model() {
        return model;
    }

    @Override
    public Store store() {
        return store;
    }

    /** The condition on {@code n} of a stored, unexpired entity; uses {@code $now} when the type expires. */
    private String live(String var) {
        return var + "._doc IS NOT NULL" + (expiring ? " AND (" + var + "._exp IS NULL OR " + var + "._exp > $now)" : "");
    }

    private Map<String, Object> params(Object... pairs) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            p.put((String) pairs[i], pairs[i + 1]);
        }
        if (expiring) {
            p.put("now", System.currentTimeMillis());
        }
        return p;
    }

    private String write(Object value) {
        return codec.write(value);
    }

    private T entity(String text) {
        return codec.entity(text);
    }

    private Map<String, Object> document(String text) {
        return codec.document(text);
    }

    // ---- writes -----------------------------------------------------------------------------

    /** A prepared save: the plan, the node's id and properties. */
    private record Save(WritePlan plan, String id, Map<String, Object> props) {
        long expected() {
            return plan.expected();
        }
    }

    private Save prepare(T entity) {
        return prepare(WritePlan.of(model, entity, this::nextId));
    }

    private Save prepare(WritePlan plan) {
        Map<String, Object> doc = plan.document();
        Map<String, Object> props = new HashMap<>();
        if (versioned) {
            props.put("_v", plan.versioned() ? plan.next() : plan.storedVersion(model));   // as is for importAll
        }
        String idText = model.idToString(plan.id());
        props.put("_id", idText);
        if (criteria.keyed()) {
            props.put("_key", CypherCriteria.key(idText));
        }
        props.put("_doc", write(doc));
        if (plan.expiresAt() != null) {
            props.put("_exp", plan.expiresAt().toEpochMilli());
        }
        criteria.copy(doc, props);
        return new Save(plan, idText, props);
    }

    /** The next generated id: a per-label counter, skipping ids that were given by hand. */
    private long nextId() {
        String cypher = "MERGE (s:" + Cypher.quote(store.labelPrefix + "PolystoreSequence") + " {name: $label})"
                + " SET s.value = coalesce(s.value, 0) + 1 WITH s.value AS v"
                + " OPTIONAL MATCH " + node + " WHERE n._id = toString(v) AND n._doc IS NOT NULL"
                + " RETURN v, n IS NOT NULL AS taken";
        while (true) {
            Record r = store.write("generating an id", q -> q.run(cypher, Map.of("label", label)).single());
            if (!r.get("taken").asBoolean()) {
                return r.get("v").asLong();
            }
        }
    }

    private static final String SAVE_NEW = """
            MERGE (n:%s {_id: $id})
            SET n._lock = true
            WITH n, %s AS live, n._v AS stored
            FOREACH (_ IN CASE WHEN live THEN [] ELSE [1] END | SET n = $props)
            FOREACH (_ IN CASE WHEN live THEN [1] ELSE [] END | REMOVE n._lock)
            RETURN live, stored""";

    private static final String SAVE_VERSION = """
            MATCH (n:%s {_id: $id}) WHERE n._doc IS NOT NULL
            SET n._lock = true
            WITH n, %s AS live, n._v AS stored
            WITH n, live, stored, live AND stored = $expected AS ok
            FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END | SET n = $props)
            FOREACH (_ IN CASE WHEN ok THEN [] ELSE [1] END | REMOVE n._lock)
            RETURN ok, live, stored""";

    /** Saves one entity on a transaction; checks the version (taking the node's write lock before reading it). */
    private void save(SimpleQueryRunner q, Save s) {
        if (!versioned) {
            q.run("MERGE (n:" + Cypher.quote(label) + " {_id: $id}) SET n = $props", Map.of("id", s.id, "props", s.props)).consume();
            return;
        }
        if (s.expected() == 0) {
            Record r = q.run(SAVE_NEW.formatted(Cypher.quote(label), live("n")), params("id", s.id, "props", s.props)).single();
            if (r.get("live").asBoolean()) {
                throw Conflicts.onSave(model, s.id, 0, r.get("stored").asLong());
            }
            return;
        }
        List<Record> rows = q.run(SAVE_VERSION.formatted(Cypher.quote(label), expiring ? "(n._exp IS NULL OR n._exp > $now)" : "true"),
                params("id", s.id, "props", s.props, "expected", s.expected())).list();
        if (rows.isEmpty() || !rows.get(0).get("live").asBoolean()) {
            throw Conflicts.onSave(model, s.id, s.expected(), Conflicts.ABSENT);
        }
        if (!rows.get(0).get("ok").asBoolean()) {
            throw Conflicts.onSave(model, s.id, s.expected(), rows.get(0).get("stored").asLong());
        }
    }

    @Override
    public T save(T entity) {
        ensureSchema();
        requireEntity(entity);
        Save s = prepare(entity);
        store.write("save", q -> {
            save(q, s);
            return null;
        });
        return s.plan.result(model, entity);
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        ensureSchema();
        List<T> given = new ArrayList<>();
        List<Save> saves = new ArrayList<>();
        for (T e : entities) {
            requireEntity(e);
            given.add(e);
            saves.add(prepare(e));
        }
        if (!saves.isEmpty()) {
            store.write("saveAll", q -> {
                if (versioned) {
                    for (Save s : saves) {
                        save(q, s);
                    }
                    return null;
                }
                mergeAll(q, saves);
                return null;
            });
        }
        List<T> out = new ArrayList<>(saves.size());
        for (int i = 0; i < saves.size(); i++) {
            out.add(saves.get(i).plan.result(model, given.get(i)));
        }
        return out;
    }

    /** Writes the nodes as prepared, unchecked: one {@code UNWIND ... MERGE} per chunk. */
    private void mergeAll(SimpleQueryRunner q, List<Save> saves) {
        String merge = "UNWIND $rows AS row MERGE (n:" + Cypher.quote(label) + " {_id: row._id}) SET n = row";
        for (int from = 0; from < saves.size(); from += CHUNK) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Save s : saves.subList(from, Math.min(saves.size(), from + CHUNK))) {
                rows.add(s.props);
            }
            q.run(merge, Map.of("rows", rows)).consume();
        }
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        ensureSchema();
        List<Save> saves = new ArrayList<>();
        for (T e : entities) {
            requireEntity(e);
            saves.add(prepare(WritePlan.asIs(model, e)));
        }
        if (!saves.isEmpty()) {
            store.write("importAll", q -> {
                mergeAll(q, saves);
                return null;
            });
        }
        return saves.size();
    }

    private void requireEntity(Object entity) {
        if (entity == null) {
            throw new IllegalArgumentException(model.name() + ": entity must not be null");
        }
    }

    // ---- reads ------------------------------------------------------------------------------

    private String idText(ID id) {
        if (id == null) {
            throw new IllegalArgumentException(model.name() + ": id must not be null");
        }
        return model.idToString(model.normalizeId(id));
    }

    @Override
    public Optional<T> findById(ID id) {
        ensureSchema();
        String cypher = "MATCH " + node + " WHERE n._id = $id AND " + live("n") + " RETURN n._doc AS doc";
        Map<String, Object> p = params("id", idText(id));
        return store.read("findById", q -> {
            List<Record> rows = q.run(cypher, p).list();
            return rows.isEmpty() ? Optional.<T>empty() : Optional.of(entity(rows.get(0).get("doc").asString()));
        });
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        ensureSchema();
        Set<String> wanted = new LinkedHashSet<>();
        for (ID id : ids) {
            wanted.add(idText(id));
        }
        if (wanted.isEmpty()) {
            return new ArrayList<>();
        }
        String cypher = "UNWIND $ids AS id MATCH " + node + " WHERE n._id = id AND " + live("n") + " RETURN n._id AS id, n._doc AS doc";
        Map<String, Object> p = params("ids", new ArrayList<>(wanted));
        Map<String, String> found = store.read("findAllById", q -> {
            Map<String, String> m = new HashMap<>();
            for (Record r : q.run(cypher, p).list()) {
                m.put(r.get("id").asString(), r.get("doc").asString());
            }
            return m;
        });
        List<T> out = new ArrayList<>(found.size());
        for (String id : wanted) {
            String text = found.get(id);
            if (text != null) {
                out.add(entity(text));
            }
        }
        return out;
    }

    @Override
    public boolean existsById(ID id) {
        ensureSchema();
        String cypher = "MATCH " + node + " WHERE n._id = $id AND " + live("n") + " RETURN count(n) AS c";
        Map<String, Object> p = params("id", idText(id));
        return store.read("existsById", q -> q.run(cypher, p).single().get("c").asLong() > 0);
    }

    // ---- deletes ----------------------------------------------------------------------------

    /**
     * Removes the entities at the matched nodes {@code n}: a node that still has relationships keeps
     * its {@code _id} (the graph may point at it), any other goes. Returns how many were live.
     */
    private String removeMatched() {
        return " WITH n, " + (expiring ? "(n._exp IS NULL OR n._exp > $now)" : "true") + " AS live"
                + " SET n = {_id: n._id}"
                + " WITH n, live, EXISTS { (n)--() } AS linked"
                + " FOREACH (_ IN CASE WHEN linked THEN [] ELSE [1] END | DELETE n)"
                + " RETURN count(CASE WHEN live THEN 1 END) AS c";
    }

    @Override
    public boolean deleteById(ID id) {
        ensureSchema();
        String cypher = "MATCH " + node + " WHERE n._id = $id AND n._doc IS NOT NULL" + removeMatched();
        Map<String, Object> p = params("id", idText(id));
        return store.write("deleteById", q -> q.run(cypher, p).single().get("c").asLong() > 0);
    }

    @Override
    public boolean delete(T entity) {
        ensureSchema();
        requireEntity(entity);
        WritePlan.Deletion deletion = WritePlan.Deletion.of(model, entity);
        String idText = model.idToString(deletion.id());
        if (!versioned) {
            String cypher = "MATCH " + node + " WHERE n._id = $id AND n._doc IS NOT NULL" + removeMatched();
            return store.write("delete", q -> q.run(cypher, params("id", idText)).single().get("c").asLong() > 0);
        }
        long expected = deletion.expected();
        String lock = "MATCH " + node + " WHERE n._id = $id AND n._doc IS NOT NULL SET n._lock = true"
                + " RETURN " + (expiring ? "(n._exp IS NULL OR n._exp > $now)" : "true") + " AS live, n._v AS stored";
        String remove = "MATCH " + node + " WHERE n._id = $id" + removeMatched();
        return store.write("delete", q -> {
            List<Record> rows = q.run(lock, params("id", idText)).list();
            if (rows.isEmpty()) {
                return false;
            }
            boolean live = rows.get(0).get("live").asBoolean();
            long stored = rows.get(0).get("stored").asLong(0);
            if (live && stored != expected) {
                q.run("MATCH " + node + " WHERE n._id = $id REMOVE n._lock", Map.of("id", idText)).consume();
                throw Conflicts.onDelete(model, idText, expected, stored);
            }
            q.run(remove, params("id", idText)).consume();
            return live;
        });
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        ensureSchema();
        Set<String> wanted = new LinkedHashSet<>();
        for (ID id : ids) {
            wanted.add(idText(id));
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        List<String> list = new ArrayList<>(wanted);
        String cypher = "UNWIND $ids AS id MATCH " + node + " WHERE n._id = id AND n._doc IS NOT NULL" + removeMatched();
        return store.write("deleteAllById", q -> {
            long n = 0;
            for (int from = 0; from < list.size(); from += CHUNK) {
                n += q.run(cypher, params("ids", list.subList(from, Math.min(list.size(), from + CHUNK)))).single().get("c").asLong();
            }
            return n;
        });
    }

    @Override
    public long deleteAll() {
        ensureSchema();
        String cypher = "MATCH " + node + " WHERE n._doc IS NOT NULL" + removeMatched();
        return store.write("deleteAll", q -> q.run(cypher, params()).single().get("c").asLong());
    }

    @Override
    public long count() {
        ensureSchema();
        String cypher = "MATCH " + node + " WHERE " + live("n") + " RETURN count(n) AS c";
        return store.read("count", q -> q.run(cypher, params()).single().get("c").asLong());
    }

    // ---- queries ----------------------------------------------------------------------------

    @Override
    public long count(Query query) {
        ensureSchema();
        Plan plan = plan(query);
        if (plan.where.exact()) {
            // Cypher matches exactly what the criteria match: it counts without reading a document
            Map<String, Object> p = params();
            p.putAll(plan.where.params());
            String cypher = "MATCH " + node + " WHERE " + live("n") + and(plan.where.text()) + " RETURN count(n) AS c";
            return store.read("count", q -> q.run(cypher, p).single().get("c").asLong());
        }
        long[] n = {0};
        scan(plan, null, doc -> n[0]++);
        return n[0];
    }

    /**
     * How a query runs. With {@code order} set, Cypher does all of it (filter, order, cursor, limit)
     * and reads only the documents it returns; without, Cypher narrows the candidates and this
     * repository checks, orders and limits them with the API's rules.
     */
    private record Plan(LoweredQuery lowered, CypherCriteria.Where where, Predicate<Map<String, Object>> filter,
                        List<CypherCriteria.OrderKey> order) {
    }

    private Plan plan(Query query) {
        // lowered first, so that errors read the same on every back end
        LoweredQuery lowered = LoweredQuery.of(model, query);
        if (query.criteria().isEmpty()) {
            return new Plan(lowered, CypherCriteria.Where.ALL, d -> true, criteria.order(lowered.order()));
        }
        Criteria c = query.criteria().get();
        Map<Criteria.Related, Set<String>> related = new HashMap<>();
        // the related ids the exact check reads are fetched only if it is needed (when Cypher matches
        // the criteria exactly, it is not)
        Predicate<Map<String, Object>> filter = DocumentQueries.compile(model, c, (self, r) -> related.get(r).contains(self.id()));
        CypherCriteria.Where where = criteria.where(lowered.where());
        if (where.exact()) {
            return new Plan(lowered, where, d -> true, criteria.order(lowered.order()));
        }
        collectRelated(c, related);
        return new Plan(lowered, where, filter, null);
    }

    private static String and(String condition) {
        return condition.isEmpty() ? "" : " AND (" + condition + ")";
    }

    /**
     * Matching documents in query order, after the cursor if asked; all of them when limit is 0.
     * Pushed down: one Cypher query with ORDER BY and LIMIT. Otherwise the candidates stream from
     * the driver and only the matches are kept: the best {@code limit} in a bounded heap when there
     * is a limit, so memory holds the page, not the candidates.
     */
    private List<Map<String, Object>> select(Query query, int limit) {
        return select(plan(query), query, limit);
    }

    /** As {@link #select(Query, int)}, with the query's plan already made (planning may read related ids). */
    private List<Map<String, Object>> select(Plan plan, Query query, int limit) {
        if (plan.order != null) {
            return pushedDown(plan, plan.lowered.after(), limit);
        }
        Comparator<Map<String, Object>> order = DocumentQueries.comparator(model, query.sort());
        Predicate<Map<String, Object>> after = query.cursor()
                .map(cur -> DocumentQueries.after(model, query.sort(), cur))
                .orElse(d -> true);
        if (limit <= 0) {
            List<Map<String, Object>> all = new ArrayList<>();
            scan(plan, after, all::add);
            all.sort(order);
            return all;
        }
        FirstN first = new FirstN(order, limit);
        scan(plan, after, first);
        return first.sorted();
    }

    /** Streams the candidates Cypher narrowed to, checks each exactly and hands on the matches. */
    private void scan(Plan plan, Predicate<Map<String, Object>> after, java.util.function.Consumer<Map<String, Object>> sink) {
        Map<String, Object> p = params();
        p.putAll(plan.where.params());
        String cypher = "MATCH " + node + " WHERE " + live("n") + and(plan.where.text()) + " RETURN n._doc AS doc";
        Predicate<Map<String, Object>> test = after == null ? plan.filter : plan.filter.and(after);
        store.read("find", q -> {
            org.neo4j.driver.Result rows = q.run(cypher, p);
            while (rows.hasNext()) {
                Map<String, Object> doc = document(rows.next().get("doc").asString());
                if (test.test(doc)) {
                    sink.accept(doc);
                }
            }
            return null;
        });
    }

    /** The whole query in Cypher: condition, keyset cursor, ORDER BY in the API's order, LIMIT. */
    private List<Map<String, Object>> pushedDown(Plan plan, Lowered after, int limit) {
        Map<String, Object> p = params();
        p.putAll(plan.where.params());
        String afterText = after == null ? "" : criteria.after(after, p);
        StringBuilder orderBy = new StringBuilder();
        for (CypherCriteria.OrderKey k : plan.order) {
            orderBy.append(orderBy.length() == 0 ? "" : ", ").append(k.expr()).append(k.ascending() ? "" : " DESC");
        }
        String cypher = "MATCH " + node + " WHERE " + live("n") + and(plan.where.text()) + and(afterText)
                + " RETURN n._doc AS doc ORDER BY " + orderBy + (limit > 0 ? " LIMIT " + limit : "");
        return store.read("find", q -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Record r : q.run(cypher, p).list()) {
                out.add(document(r.get("doc").asString()));
            }
            return out;
        });
    }

    /** Finds the ids related as each {@link Criteria.Related} in the tree asks, one Cypher query each. */
    private void collectRelated(Criteria c, Map<Criteria.Related, Set<String>> out) {
        if (c instanceof Criteria.Related r) {
            if (!out.containsKey(r)) {
                Map<String, Object> p = new HashMap<>();
                String cypher = "MATCH " + node + " WHERE " + criteria.related(r, p) + " RETURN n._id AS id";
                out.put(r, store.read("related", q -> {
                    Set<String> ids = new HashSet<>();
                    for (Record rec : q.run(cypher, p).list()) {
                        ids.add(rec.get("id").asString());
                    }
                    return ids;
                }));
            }
        } else if (c instanceof Criteria.And and) {
            and.parts().forEach(part -> collectRelated(part, out));
        } else if (c instanceof Criteria.Or or) {
            or.parts().forEach(part -> collectRelated(part, out));
        } else if (c instanceof Criteria.Not not) {
            collectRelated(not.part(), out);
        }
    }

    @Override
    public Page<T> find(Query query) {
        ensureSchema();
        return DocumentQueries.page(model, query, select(query, query.limit() > 0 ? query.limit() + 1 : 0));
    }

    /** Entities per Cypher query when a pushed-down stream pages through the results. */
    private static final int STREAM_PAGE = 500;

    @Override
    public Stream<T> stream(Query query) {
        ensureSchema();
        Plan plan = plan(query);
        if (plan.order == null) {
            // every match must be seen before the first is known: the matches (not the candidates) are held
            return select(plan, query, 0).stream().map(model::fromDocument);
        }
        // lazily, a page of STREAM_PAGE at a time, each after the last one's final entity
        return PagedStream.of(query, STREAM_PAGE, this::find);
    }

    @Override
    public String toString() {
        return "Neo4jRepository[" + model.name() + " in " + store.name() + "]";
    }
}
