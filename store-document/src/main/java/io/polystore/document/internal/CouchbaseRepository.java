package io.polystore.document.internal;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CollectionExistsException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.IndexNotFoundException;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.codec.JsonSerializer;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.codec.TypeRef;
import com.couchbase.client.java.json.JsonObject;
import com.couchbase.client.java.kv.GetOptions;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.IncrementOptions;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.RemoveOptions;
import com.couchbase.client.java.kv.ReplaceOptions;
import com.couchbase.client.java.kv.UpsertOptions;
import com.couchbase.client.java.query.QueryOptions;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.Conflicts;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.JsonDocuments;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;
import io.polystore.spi.PagedStream;
import io.polystore.spi.WritePlan;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Repository of a Couchbase store. Each entity is one document, by key, holding
 * {@code {"_type": entity, "_exp": expiry millis (when it expires), "doc": the entity's document}}.
 *
 * <p>Writes: an unversioned save is an upsert; a new versioned entity an insert (which fails if the
 * key exists); an existing one a get, a check of its stored {@code @Version}, and a replace guarded by
 * the CAS the get returned, repeated when the CAS changed without the version changing. Expiry is
 * the document's, rounded up to the second (so the server never removes an entity early), and
 * reads compare {@code _exp} with the clock so that an entity is gone exactly when it expires.
 * Queries run as SQL++ over the entity's keyspace: {@link SqlPlusPlus} narrows, and every candidate
 * is checked, ordered and limited here with the API's rules.
 */
final class CouchbaseRepository<T, ID> implements Repository<T, ID> {
    /** CAS mismatches on an unchanged version before a save gives up (someone keeps touching the document). */
    private static final int CAS_ATTEMPTS = 10;
    private static final RawJsonTranscoder RAW = RawJsonTranscoder.INSTANCE;
    /** Rows of a query as their JSON text, parsed here with the shared number rules. */
    private static final JsonSerializer ROWS_AS_TEXT = new JsonSerializer() {
        @Override
        public byte[] serialize(Object input) {
            throw new UnsupportedOperationException("rows are only read");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <X> X deserialize(Class<X> target, byte[] input) {
            return (X) new String(input, StandardCharsets.UTF_8);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <X> X deserialize(TypeRef<X> target, byte[] input) {
            return (X) new String(input, StandardCharsets.UTF_8);
        }
    };

    private final CouchbaseStore store;
    private final EntityModel<T> model;
    private final JsonDocuments<T> json;
    private final Collection collection;
    private final String keyPrefix;
    private final String keyspace;
    private final boolean versioned;
    private final boolean expiring;
    private final SqlPlusPlus sql;

    CouchbaseRepository(CouchbaseStore store, EntityModel<T> model) {
        this.store = store;
        this.model = model;
        this.json = new JsonDocuments<>(model);
        this.collection = store.collection(model);
        this.keyPrefix = store.layout == CouchbaseStore.Layout.DEFAULT_COLLECTION ? model.name() + "::" : "";
        this.keyspace = store.keyspace(model);
        this.versioned = model.version().isPresent();
        this.expiring = model.expires().isPresent();
        this.sql = new SqlPlusPlus(model);
        if (store.schema == CouchbaseStore.SchemaMode.CREATE) {
            createSchema();
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

    // ---- schema -----------------------------------------------------------------------------

    private void createSchema() {
        try {
            if (store.layout == CouchbaseStore.Layout.COLLECTIONS) {
                try {
                    store.bucket.collections().createCollection(store.scope, store.collectionName(model));
                } catch (CollectionExistsException e) {
                    // made before
                }
            }
            String suffix = store.collectionName(model);
            run("CREATE PRIMARY INDEX IF NOT EXISTS ON " + keyspace, Map.of());
            run("CREATE INDEX " + SqlPlusPlus.quote("polystore_type") + " IF NOT EXISTS ON " + keyspace + "(`_type`)", Map.of());
            for (PropertyModel p : model.indexed()) {
                String index = SqlPlusPlus.quote(("ix_" + suffix + "_" + p.name()).replaceAll("[^A-Za-z0-9_#-]", "_"));
                run("CREATE INDEX " + index + " IF NOT EXISTS ON " + keyspace + "(`doc`." + SqlPlusPlus.quote(p.name())
                        + ") WHERE `_type` = " + json.write(model.name()), Map.of());
            }
        } catch (CouchbaseException e) {
            throw store.error("creating the collection and indexes of " + model.name()
                    + " (set schema: none where an administrator creates them)", e);
        }
    }

    // ---- keys and stored form ----------------------------------------------------------------

    private String key(Object id) {
        return keyPrefix + model.idToString(id);
    }

    private byte[] stored(WritePlan plan) {
        Map<String, Object> wrapper = new LinkedHashMap<>();
        wrapper.put("_type", model.name());
        if (plan.expiresAt() != null) {
            wrapper.put("_exp", plan.expiresAt().toEpochMilli());
        }
        wrapper.put("doc", plan.document());
        return json.write(wrapper).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the entity document of stored JSON, or null when it has expired by the clock */
    @SuppressWarnings("unchecked")
    private Map<String, Object> document(byte[] stored) {
        Map<String, Object> wrapper = json.document(new String(stored, StandardCharsets.UTF_8));
        Object exp = wrapper.get("_exp");
        if (exp instanceof Number n && n.longValue() <= System.currentTimeMillis()) {
            return null;
        }
        return (Map<String, Object>) wrapper.get("doc");
    }

    /** The server's expiry: the entity's, rounded up to the whole second the server counts in. */
    private static Instant serverExpiry(Instant expiresAt) {
        Instant second = Instant.ofEpochSecond(expiresAt.getEpochSecond());
        return second.equals(expiresAt) ? second : second.plusSeconds(1);
    }

    private static boolean expired(WritePlan plan) {
        return plan.expiresAt() != null && !plan.expiresAt().isAfter(Instant.now());
    }

    private long storedVersion(Map<String, Object> doc) {
        return doc == null ? Conflicts.ABSENT : model.versionFromDocument(doc);
    }

    // ---- writes -------------------------------------------------------------------------------

    @Override
    public T save(T entity) {
        WritePlan plan = WritePlan.of(model, entity, this::nextId);
        write(plan);
        return plan.result(model, entity);
    }

    private void write(WritePlan plan) {
        String key = key(plan.id());
        byte[] content = stored(plan);
        Instant expiry = plan.expiresAt() == null ? null : serverExpiry(plan.expiresAt());
        try {
            if (!plan.versioned()) {
                if (expired(plan)) {
                    removeQuietly(key, 0);
                } else {
                    UpsertOptions o = UpsertOptions.upsertOptions().transcoder(RAW);
                    collection.upsert(key, content, expiry == null ? o : o.expiry(expiry));
                }
                return;
            }
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                GetResult current = get(key);
                Map<String, Object> live = current == null ? null : document(current.contentAs(byte[].class));
                if (plan.expected() == 0) {
                    if (live != null) {
                        throw Conflicts.onSave(model, plan.id(), 0, storedVersion(live));
                    }
                    if (expired(plan)) {
                        return;
                    }
                    try {
                        if (current == null) {
                            InsertOptions o = InsertOptions.insertOptions().transcoder(RAW);
                            collection.insert(key, content, expiry == null ? o : o.expiry(expiry));
                        } else { // an expired document the server has not removed yet
                            ReplaceOptions o = ReplaceOptions.replaceOptions().transcoder(RAW).cas(current.cas());
                            collection.replace(key, content, expiry == null ? o : o.expiry(expiry));
                        }
                        return;
                    } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                        continue; // raced with another writer: look again
                    }
                }
                long stored = storedVersion(live);
                if (stored != plan.expected()) {
                    throw Conflicts.onSave(model, plan.id(), plan.expected(), stored);
                }
                try {
                    if (expired(plan)) {
                        collection.remove(key, RemoveOptions.removeOptions().cas(current.cas()));
                    } else {
                        ReplaceOptions o = ReplaceOptions.replaceOptions().transcoder(RAW).cas(current.cas());
                        collection.replace(key, content, expiry == null ? o : o.expiry(expiry));
                    }
                    return;
                } catch (CasMismatchException | DocumentNotFoundException e) {
                    // changed since the get: the next get decides whether the version still matches
                }
            }
            throw Conflicts.onSave(model, plan.id(), plan.expected(), Conflicts.UNKNOWN);
        } catch (CouchbaseException e) {
            throw store.error("save " + model.name() + " " + plan.id(), e);
        }
    }

    private GetResult get(String key) {
        try {
            return collection.get(key, GetOptions.getOptions().transcoder(RAW));
        } catch (DocumentNotFoundException e) {
            return null;
        }
    }

    /** @return whether a document was removed (cas 0: whatever its CAS) */
    private boolean removeQuietly(String key, long cas) {
        try {
            collection.remove(key, cas == 0 ? RemoveOptions.removeOptions() : RemoveOptions.removeOptions().cas(cas));
            return true;
        } catch (DocumentNotFoundException e) {
            return false;
        }
    }

    /** The next generated id: a counter document per entity type, skipping ids that were given by hand. */
    private long nextId() {
        String counter = keyPrefix + "_polystore_sequence";
        try {
            while (true) {
                long id = collection.binary().increment(counter, IncrementOptions.incrementOptions().initial(1)).content();
                if (get(key(id)) == null) {
                    return id;
                }
            }
        } catch (CouchbaseException e) {
            throw store.error("generating an id for " + model.name(), e);
        }
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        List<T> given = new ArrayList<>();
        List<WritePlan> plans = new ArrayList<>();
        for (T e : entities) {
            given.add(e);
            plans.add(WritePlan.of(model, e, this::nextId)); // every version checked before anything is written
        }
        store.concurrently(plans, p -> {
            write(p);
            return Boolean.TRUE;
        });
        List<T> out = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            out.add(plans.get(i).result(model, given.get(i)));
        }
        return out;
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        List<WritePlan> plans = WritePlan.asIs(model, entities); // every entity checked before anything is written
        store.concurrently(plans, p -> {
            write(p);   // unversioned plans: an upsert of the document as given
            return Boolean.TRUE;
        });
        return plans.size();
    }

    // ---- reads --------------------------------------------------------------------------------

    @Override
    public Optional<T> findById(ID id) {
        Object key = model.normalizeId(id);
        try {
            GetResult r = get(key(key));
            Map<String, Object> doc = r == null ? null : document(r.contentAs(byte[].class));
            return doc == null ? Optional.empty() : Optional.of(model.fromDocument(doc));
        } catch (CouchbaseException e) {
            throw store.error("findById " + model.name() + " " + key, e);
        }
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        List<String> keys = new ArrayList<>();
        for (ID id : new LinkedHashSet<>(toList(ids))) {
            keys.add(key(model.normalizeId(id)));
        }
        Map<String, byte[]> found;
        try {
            found = Flux.fromIterable(keys)
                    .flatMap(k -> collection.reactive().get(k, GetOptions.getOptions().transcoder(RAW))
                            .map(r -> Map.entry(k, r.contentAs(byte[].class)))
                            .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty()), store.batchConcurrency)
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                    .block();
        } catch (CouchbaseException e) {
            throw store.error("findAllById " + model.name(), e);
        }
        List<T> out = new ArrayList<>();
        for (String k : keys) {
            byte[] stored = found == null ? null : found.get(k);
            Map<String, Object> doc = stored == null ? null : document(stored);
            if (doc != null) {
                out.add(model.fromDocument(doc));
            }
        }
        return out;
    }

    private static <X> List<X> toList(Iterable<? extends X> items) {
        List<X> out = new ArrayList<>();
        for (X x : items) {
            if (x == null) {
                throw new IllegalArgumentException("null id");
            }
            out.add(x);
        }
        return out;
    }

    @Override
    public boolean existsById(ID id) {
        return findById(id).isPresent();
    }

    // ---- deletes ------------------------------------------------------------------------------

    @Override
    public boolean deleteById(ID id) {
        return deleteKey(key(model.normalizeId(id)));
    }

    /** @return whether a live entity was deleted (an expired one is removed too, but was not there) */
    private boolean deleteKey(String key) {
        try {
            if (!expiring) {
                return removeQuietly(key, 0);
            }
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                GetResult r = get(key);
                if (r == null) {
                    return false;
                }
                try {
                    collection.remove(key, RemoveOptions.removeOptions().cas(r.cas()));
                    return document(r.contentAs(byte[].class)) != null;
                } catch (CasMismatchException | DocumentNotFoundException e) {
                    // changed since the get: look again
                }
            }
            return removeQuietly(key, 0);
        } catch (CouchbaseException e) {
            throw store.error("delete " + model.name() + " " + key, e);
        }
    }

    @Override
    public boolean delete(T entity) {
        WritePlan.Deletion deletion = WritePlan.Deletion.of(model, entity);
        String key = key(deletion.id());
        if (!deletion.versioned()) {
            return deleteKey(key);
        }
        try {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                GetResult r = get(key);
                Map<String, Object> live = r == null ? null : document(r.contentAs(byte[].class));
                if (live == null) {
                    if (r != null) {
                        removeQuietly(key, r.cas());
                    }
                    return false;
                }
                long stored = storedVersion(live);
                if (stored != deletion.expected()) {
                    throw Conflicts.onDelete(model, deletion.id(), deletion.expected(), stored);
                }
                try {
                    collection.remove(key, RemoveOptions.removeOptions().cas(r.cas()));
                    return true;
                } catch (CasMismatchException | DocumentNotFoundException e) {
                    // changed since the get: look again
                }
            }
            throw Conflicts.onDelete(model, deletion.id(), deletion.expected(), Conflicts.UNKNOWN);
        } catch (CouchbaseException e) {
            throw store.error("delete " + model.name() + " " + deletion.id(), e);
        }
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        List<String> keys = new ArrayList<>();
        for (ID id : new LinkedHashSet<>(toList(ids))) {
            keys.add(key(model.normalizeId(id)));
        }
        long n = 0;
        for (Boolean deleted : store.concurrently(keys, this::deleteKey)) {
            n += deleted ? 1 : 0;
        }
        return n;
    }

    // ---- queries (SQL++) ----------------------------------------------------------------------

    private Map<String, Object> baseParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", model.name());
        p.put("now", System.currentTimeMillis());
        return p;
    }

    private static final String LIVE = "c.`_type` = $type AND (c.`_exp` IS NOT VALUED OR c.`_exp` > $now)";

    /** Runs a statement; its rows as JSON text. */
    private List<String> run(String statement, Map<String, Object> params) {
        QueryOptions options = QueryOptions.queryOptions().scanConsistency(store.consistency).serializer(ROWS_AS_TEXT);
        if (!params.isEmpty()) {
            options.parameters(JsonObject.from(params));
        }
        try {
            return store.cluster().query(statement, options).rowsAs(String.class);
        } catch (IndexNotFoundException e) {
            throw noIndex(e);
        } catch (CouchbaseException e) {
            if (String.valueOf(e.getMessage()).contains("No index available")) {
                throw noIndex(e);
            }
            throw store.error("query on " + model.name(), e);
        }
    }

    private UnsupportedQueryException noIndex(CouchbaseException e) {
        return new UnsupportedQueryException(model.name() + ": no index on " + keyspace + " can answer this query; open the store"
                + " with schema: create (a primary index, one on _type and one per @Indexed field), or create them yourself: "
                + "CREATE PRIMARY INDEX ON " + keyspace, e);
    }

    @Override
    public long count() {
        List<String> rows = run("SELECT RAW COUNT(*) FROM " + keyspace + " AS c WHERE " + LIVE, baseParams());
        return Long.parseLong(rows.get(0).trim());
    }

    @Override
    public long deleteAll() {
        List<String> rows = run("DELETE FROM " + keyspace + " AS c WHERE c.`_type` = $type"
                + " RETURNING RAW (c.`_exp` IS NOT VALUED OR c.`_exp` > $now)", baseParams());
        return rows.stream().filter(r -> r.trim().equals("true")).count();
    }

    /** A query's condition printed as SQL++ (null text: it narrows nothing), with its parameters and the base ones. */
    private SqlPlusPlus.Where where(Query query) {
        Map<String, Object> params = baseParams();
        return query.criteria().map(c -> sql.where(Lowered.of(model, c), params))
                .orElse(new SqlPlusPlus.Where(null, params, true));
    }

    /** Hands on the documents a printed condition selects (a superset of the matches, see {@link SqlPlusPlus}). */
    private void candidates(SqlPlusPlus.Where where, java.util.function.Consumer<Map<String, Object>> sink) {
        String condition = where.text() == null ? "" : " AND " + where.text();
        for (String r : run("SELECT RAW c.doc FROM " + keyspace + " AS c WHERE " + LIVE + condition, where.params())) {
            sink.accept(json.document(r));
        }
    }

    @Override
    public long count(Query query) {
        Predicate<Map<String, Object>> test = DocumentQueries.filter(model, query, null);
        SqlPlusPlus.Where where = where(query);
        if (where.exact()) {
            String condition = where.text() == null ? "" : " AND " + where.text();
            return Long.parseLong(run("SELECT RAW COUNT(*) FROM " + keyspace + " AS c WHERE " + LIVE + condition, where.params())
                    .get(0).trim());
        }
        long[] n = {0};
        candidates(where, d -> n[0] += test.test(d) ? 1 : 0);
        return n[0];
    }

    /** Entities per statement when a stream SQL++ answers pages through the results. */
    private static final int STREAM_PAGE = 500;

    /**
     * @return the statement answering a query and its parameters, when SQL++ answers it exactly
     *         ({@link SqlPlusPlus#pushdown}: condition, cursor, order, limit), else null
     */
    private Map.Entry<String, Map<String, Object>> pushdown(Query query, int limit) {
        Map<String, Object> params = baseParams();
        String rest = sql.pushdown(LoweredQuery.of(model, query), params);
        if (rest == null) {
            return null;
        }
        return Map.entry("SELECT RAW c.doc FROM " + keyspace + " AS c WHERE " + LIVE + rest + (limit > 0 ? " LIMIT " + limit : ""), params);
    }

    @Override
    public Page<T> find(Query query) {
        int limit = query.limit() > 0 ? query.limit() + 1 : 0;
        Map.Entry<String, Map<String, Object>> pushed = pushdown(query, limit);
        if (pushed != null) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (String r : run(pushed.getKey(), pushed.getValue())) {
                docs.add(json.document(r));
            }
            return DocumentQueries.page(model, query, docs);
        }
        return DocumentQueries.page(model, query, DocumentQueries.select(model, query, limit,
                null, sink -> candidates(where(query), sink)));
    }

    @Override
    public Stream<T> stream(Query query) {
        if (pushdown(query, 0) != null) {
            return PagedStream.of(query, STREAM_PAGE, this::find);
        }
        return DocumentQueries.select(model, query, 0, null, sink -> candidates(where(query), sink)).stream()
                .map(model::fromDocument);
    }

    @Override
    public String toString() {
        return "CouchbaseRepository[" + model.name() + " in " + store.name() + " " + keyspace + "]";
    }

}
