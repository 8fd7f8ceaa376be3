package io.polystore.document.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.polystore.MappingException;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.StoreException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.query.Criteria;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.Conflicts;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.JsonDocuments;
import io.polystore.spi.Lowered;
import io.polystore.spi.PagedStream;
import io.polystore.spi.WritePlan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Repository of a CouchDB store. Each entity is one CouchDB document:
 * <pre>{"_id": "e:&lt;id&gt;", "_rev": ..., "doc": &lt;the entity's document, for reads, selectors and indexes&gt;,
 *  "src": "&lt;the same as exact JSON text, when needed&gt;", "exp": &lt;expiry millis, when it expires&gt;}</pre>
 * {@code src} exists only when the document holds a value CouchDB would not give back exactly
 * ({@link #needsSource}: it re-writes numbers, dropping the scale of decimals and, on JavaScript
 * servers, digits of whole numbers beyond 2<sup>53</sup>); then it is what is read back. Otherwise
 * {@code doc} is. The {@code e:} prefix keeps ids clear of CouchDB's reserved {@code _} ids.
 *
 * <p>{@code _rev} never reaches the API: every write first reads the document (its revision and,
 * with {@code @Version}, its version), checks the version, and writes with that revision through
 * {@code _bulk_docs}; a conflict there means someone wrote in between, and the write is decided again
 * from a fresh read (at most {@value #ATTEMPTS} times).
 */
final class CouchDbRepository<T, ID> implements Repository<T, ID> {
    private static final int ATTEMPTS = 10;
    private static final String ID_PREFIX = "e:";
    /** The first id after every {@code e:} id, for range selectors. */
    private static final String ID_END = "e;";

    private final CouchDbStore store;
    private final EntityModel<T> model;
    private final JsonDocuments<T> json;
    private final String db;
    private final boolean versioned;
    /** The indexed top-level fields of an ordered kind: each gets order keys ascending and descending. */
    private final List<PropertyModel> sortable;
    /** The order keys every document carries: {@code i}, then {@code a.f} and {@code d.f} per sortable field. */
    private final List<String> orderKeys;
    /**
     * Whether every live document is known to carry its order keys (the database's layout marker
     * says so), so that queries may page by them; until then queries read every candidate.
     */
    private volatile boolean ordered;

    CouchDbRepository(CouchDbStore store, EntityModel<T> model) {
        this.store = store;
        this.model = model;
        this.json = new JsonDocuments<>(model);
        this.db = "/" + CouchDbHttp.segment(store.database(model));
        this.versioned = model.version().isPresent();
        List<PropertyModel> s = new ArrayList<>();
        List<String> keys = new ArrayList<>(List.of("i"));
        for (PropertyModel p : model.indexed()) {
            if (p.kind().isOrdered() && p.kind().isScalar() && !p.name().equals(model.id().name())) {
                s.add(p);
                keys.add("a." + p.name());
                keys.add("d." + p.name());
            }
        }
        this.sortable = List.copyOf(s);
        this.orderKeys = List.copyOf(keys);
        if (store.schema == CouchDbStore.SchemaMode.CREATE) {
            createSchema();
        } else {
            Marker marker = readMarker();
            ordered = marker != null && marker.keys.containsAll(orderKeys);
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

    private void createSchema() {
        CouchDbHttp.Response r = store.http.send("PUT", db, null, "creating database " + store.database(model));
        if (!r.ok() && r.status() != 412) {
            throw store.http.unexpected("creating database " + store.database(model), r);
        }
        for (PropertyModel p : model.indexed()) {
            Map<String, Object> index = Map.of("index", Map.of("fields", List.of("doc." + p.name())), "name", "ix-" + p.name(),
                    "type", "json");
            CouchDbHttp.Response ir = store.http.send("POST", db + "/_index", json.write(index), "creating the index of " + p.name());
            if (!ir.ok()) {
                throw store.http.unexpected("creating the index of " + model.name() + "." + p.name(), ir);
            }
        }
        for (String key : orderKeys) {
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("index", Map.of("fields", List.of("ord." + key)));
            index.put("name", indexName(key));
            index.put("ddoc", indexName(key));
            index.put("type", "json");
            CouchDbHttp.Response ir = store.http.send("POST", db + "/_index", json.write(index), "creating the order index " + key);
            if (!ir.ok()) {
                throw store.http.unexpected("creating the order index " + key + " of " + model.name(), ir);
            }
        }
        addOrderKeys();
    }

    private static String indexName(String orderKey) {
        return "polystore-ord-" + orderKey.replace('.', '-');
    }

    // ---- order keys -----------------------------------------------------------------------------

    /** The layout marker: which order keys every document of the database carries. */
    private record Marker(String rev, List<String> keys) {
    }

    private static final String MARKER = "_local/polystore-order-keys";

    private Marker readMarker() {
        CouchDbHttp.Response r = store.http.send("GET", db + "/" + CouchDbHttp.segment(MARKER), null, "read the layout of " + model.name());
        if (r.status() == 404) {
            return null;
        }
        if (!r.ok()) {
            throw store.http.unexpected("read the layout of " + model.name(), r);
        }
        Map<?, ?> m = (Map<?, ?>) r.value();
        List<String> keys = new ArrayList<>();
        for (Object k : list(m.get("keys"))) {
            keys.add(String.valueOf(k));
        }
        return new Marker(m.get("_rev") instanceof String rev ? rev : null, keys);
    }

    /**
     * Gives every stored document the order keys this mapping asks for (documents written before
     * order keys existed, or before a field was {@code @Indexed}), then records in the layout marker
     * that they all carry them. A document changed in between by a writer is left as that writer
     * wrote it: every writer of this version writes the keys.
     */
    private void addOrderKeys() {
        Marker marker = readMarker();
        if (marker != null && marker.keys.containsAll(orderKeys)) {
            ordered = true;
            return;
        }
        scanRaw(null, List.of("_id", "_rev", "exp", "src", "doc", "ord"), page -> {
            List<Map<String, Object>> rewrite = new ArrayList<>();
            for (Map<?, ?> raw : page) {
                Current c = current(raw);
                if (c.doc == null || hasOrderKeys(raw)) {
                    continue; // expired (the sweep removes it) or already keyed
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                raw.forEach((k, v) -> doc.put(String.valueOf(k), v));
                doc.put("ord", orderKeys(c.doc));
                rewrite.add(doc);
            }
            bulk(rewrite, "adding order keys to " + model.name()); // a conflict: someone wrote it meanwhile, with keys
        });
        Map<String, Object> body = new LinkedHashMap<>();
        if (marker != null && marker.rev != null) {
            body.put("_rev", marker.rev);
        }
        body.put("keys", orderKeys);
        CouchDbHttp.Response r = store.http.send("PUT", db + "/" + CouchDbHttp.segment(MARKER), json.write(body),
                "record the layout of " + model.name());
        if (!r.ok() && r.status() != 409) { // 409: another process recorded it at the same time
            throw store.http.unexpected("record the layout of " + model.name(), r);
        }
        ordered = true;
    }

    private boolean hasOrderKeys(Map<?, ?> raw) {
        if (!(raw.get("ord") instanceof Map<?, ?> ord)) {
            return false;
        }
        for (String key : orderKeys) {
            if (orderKey(ord, key) == null) {
                return false;
            }
        }
        return true;
    }

    /** @return the order key {@code i} or {@code a.f}/{@code d.f} of a stored document's {@code ord} */
    private static String orderKey(Map<?, ?> ord, String key) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            return ord.get(key) instanceof String s ? s : null;
        }
        return ord.get(key.substring(0, dot)) instanceof Map<?, ?> m && m.get(key.substring(dot + 1)) instanceof String s ? s : null;
    }

    /**
     * The order keys of an entity's document: {@code i} orders by id, {@code a.f} by field f then id,
     * {@code d.f} by f descending then id ascending ({@link OrderKeys}).
     */
    private Map<String, Object> orderKeys(Map<String, Object> doc) {
        String id = OrderKeys.of(model.id().kind(), doc.get(model.id().name()));
        Map<String, Object> ord = new LinkedHashMap<>();
        ord.put("i", OrderKeys.bounded(id));
        if (!sortable.isEmpty()) {
            Map<String, Object> asc = new LinkedHashMap<>();
            Map<String, Object> desc = new LinkedHashMap<>();
            for (PropertyModel p : sortable) {
                String v = OrderKeys.of(p.kind(), doc.get(p.name()));
                asc.put(p.name(), OrderKeys.bounded(OrderKeys.tuple(v, id)));
                desc.put(p.name(), OrderKeys.bounded(OrderKeys.tuple(OrderKeys.descending(v), id)));
            }
            ord.put("a", asc);
            ord.put("d", desc);
        }
        return ord;
    }

    // ---- stored form ----------------------------------------------------------------------------

    private String docId(Object id) {
        return ID_PREFIX + model.idToString(id);
    }

    /** A stored document as read: its revision and the entity's document (null when it has expired). */
    private record Current(String id, String rev, Map<String, Object> doc) {
    }

    @SuppressWarnings("unchecked")
    private Current current(Object value) {
        if (!(value instanceof Map<?, ?> stored)) {
            throw new MappingException(model.type().getName() + ": a stored CouchDB document is not a JSON object");
        }
        String id = String.valueOf(stored.get("_id"));
        String rev = stored.get("_rev") instanceof String r ? r : null;
        if (stored.get("exp") instanceof Number exp && exp.longValue() <= System.currentTimeMillis()) {
            return new Current(id, rev, null);
        }
        if (stored.get("src") instanceof String src) {
            return new Current(id, rev, json.document(src));
        }
        if (stored.get("doc") instanceof Map<?, ?> doc) {
            return new Current(id, rev, (Map<String, Object>) doc);
        }
        if (!stored.containsKey("src") && !stored.containsKey("doc")) {
            return new Current(id, rev, Map.of()); // read for its liveness only (a query that did not ask for the document)
        }
        throw new MappingException(model.type().getName() + ": stored CouchDB document " + id + " has neither 'src' text nor a 'doc'");
    }

    /**
     * Whether a document holds a value CouchDB would not give back exactly as JSON: a decimal (its
     * scale), a whole number beyond 2<sup>53</sup> (JavaScript servers keep doubles), a negative zero.
     */
    private static boolean needsSource(Object v) {
        if (v instanceof java.math.BigDecimal || v instanceof java.math.BigInteger) {
            return true;
        }
        if (v instanceof Long l) {
            return l > 1L << 53 || l < -(1L << 53); // (not Math.abs: it overflows on Long.MIN_VALUE)
        }
        if (v instanceof Double d) {
            return d == 0 && 1 / d < 0 || d.isNaN() || d.isInfinite();
        }
        if (v instanceof Float f) {
            return f == 0 && 1 / f < 0 || f.isNaN() || f.isInfinite();
        }
        if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                if (needsSource(e)) {
                    return true;
                }
            }
        } else if (v instanceof java.util.Collection<?> c) {
            for (Object e : c) {
                if (needsSource(e)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Map<String, Object> body(WritePlan plan, String rev) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("_id", docId(plan.id()));
        if (rev != null) {
            out.put("_rev", rev);
        }
        if (needsSource(plan.document())) {
            out.put("src", json.write(plan.document()));
        }
        out.put("doc", plan.document());
        out.put("ord", orderKeys(plan.document()));
        if (plan.expiresAt() != null) {
            out.put("exp", plan.expiresAt().toEpochMilli());
        }
        return out;
    }

    private static Map<String, Object> tombstone(String id, String rev) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("_id", id);
        out.put("_rev", rev);
        out.put("_deleted", true);
        return out;
    }

    // ---- reads ----------------------------------------------------------------------------------

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    /** @return the stored document of an id, or null when there is none */
    private Current read(String id) {
        CouchDbHttp.Response r = store.http.send("GET", db + "/" + CouchDbHttp.segment(id), null, "read " + model.name());
        if (r.status() == 404) {
            return null;
        }
        if (!r.ok()) {
            throw store.http.unexpected("read " + model.name() + " " + id, r);
        }
        return current(r.value());
    }

    /** @return the stored documents of ids, by id (missing and deleted ones left out), in one request */
    private Map<String, Current> readAll(List<String> ids) {
        Map<String, Current> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        CouchDbHttp.Response r = store.http.send("POST", db + "/_all_docs?include_docs=true", json.write(Map.of("keys", ids)),
                "read " + model.name() + " by ids");
        if (r.status() == 404) {
            return out;
        }
        if (!r.ok()) {
            throw store.http.unexpected("read " + model.name() + " by ids", r);
        }
        for (Object row : list(((Map<?, ?>) r.value()).get("rows"))) {
            Map<?, ?> fields = (Map<?, ?>) row;
            if (fields.get("doc") instanceof Map<?, ?> doc && !(fields.get("value") instanceof Map<?, ?> v && Boolean.TRUE.equals(v.get("deleted")))) {
                out.put(String.valueOf(fields.get("key")), current(doc));
            }
        }
        return out;
    }

    @Override
    public Optional<T> findById(ID id) {
        Current c = read(docId(model.normalizeId(id)));
        return c == null || c.doc == null ? Optional.empty() : Optional.of(model.fromDocument(c.doc));
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        List<String> keys = keys(ids);
        Map<String, Current> found = readAll(keys);
        List<T> out = new ArrayList<>();
        for (String k : keys) {
            Current c = found.get(k);
            if (c != null && c.doc != null) {
                out.add(model.fromDocument(c.doc));
            }
        }
        return out;
    }

    private List<String> keys(Iterable<? extends ID> ids) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (ID id : ids) {
            if (id == null) {
                throw new IllegalArgumentException("null id");
            }
            out.add(docId(model.normalizeId(id)));
        }
        return new ArrayList<>(out);
    }

    @Override
    public boolean existsById(ID id) {
        return findById(id).isPresent();
    }

    // ---- writes ---------------------------------------------------------------------------------

    /** Writes documents in one {@code _bulk_docs} request; @return per document, whether it conflicted */
    private List<Boolean> bulk(List<Map<String, Object>> docs, String what) {
        if (docs.isEmpty()) {
            return List.of();
        }
        String body = json.write(Map.of("docs", docs));
        CouchDbHttp.Response r = store.http.send("POST", db + "/_bulk_docs", body, what);
        if (r.status() == 404 && store.schema == CouchDbStore.SchemaMode.CREATE) {
            // the database went away (deleted, or an in-memory server restarted): make it again, as at first use
            createSchema();
            r = store.http.send("POST", db + "/_bulk_docs", body, what);
        }
        if (!r.ok()) {
            throw store.http.unexpected(what, r);
        }
        List<Boolean> conflicts = new ArrayList<>(docs.size());
        int i = 0;
        for (JsonNode result : r.body()) {
            String error = result.path("error").asText(null);
            if (error != null && !error.equals("conflict")) {
                throw new StoreException("store '" + store.name() + "' (CouchDB): " + what + ": document "
                        + docs.get(i).get("_id") + " was refused: " + error + " " + result.path("reason").asText(""));
            }
            conflicts.add(error != null);
            i++;
        }
        if (conflicts.size() != docs.size()) {
            throw new StoreException("store '" + store.name() + "' (CouchDB): " + what + ": " + docs.size()
                    + " documents sent, " + conflicts.size() + " results");
        }
        return conflicts;
    }

    /**
     * The write a plan asks for, given what is stored: the document (or tombstone) to send, or null
     * when nothing is to be written.
     *
     * @throws io.polystore.OptimisticLockException if the version does not match
     */
    private Map<String, Object> decide(WritePlan plan, Current current) {
        Map<String, Object> live = current == null ? null : current.doc;
        if (plan.versioned()) {
            if (plan.expected() == 0 && live != null) {
                throw Conflicts.onSave(model, plan.id(), 0, model.versionFromDocument(live));
            }
            if (plan.expected() != 0) {
                long stored = live == null ? Conflicts.ABSENT : model.versionFromDocument(live);
                if (stored != plan.expected()) {
                    throw Conflicts.onSave(model, plan.id(), plan.expected(), stored);
                }
            }
        }
        if (plan.expiresAt() != null && !plan.expiresAt().isAfter(Instant.now())) {
            return current == null ? null : tombstone(current.id, current.rev); // saved already expired: gone
        }
        return body(plan, current == null ? null : current.rev);
    }

    private void write(WritePlan plan) {
        String id = docId(plan.id());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, Object> doc = decide(plan, read(id));
            if (doc == null || !bulk(List.of(doc), "save " + model.name()).get(0)) {
                return;
            }
        }
        throw Conflicts.onSave(model, plan.id(), plan.expected(), Conflicts.UNKNOWN);
    }

    @Override
    public T save(T entity) {
        WritePlan plan = WritePlan.of(model, entity, this::nextId);
        write(plan);
        return plan.result(model, entity);
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        List<T> given = new ArrayList<>();
        List<WritePlan> plans = new ArrayList<>();
        for (T e : entities) {
            given.add(e);
            plans.add(WritePlan.of(model, e, this::nextId)); // every version checked for sign before anything is written
        }
        writeInSegments(plans);
        List<T> out = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            out.add(plans.get(i).result(model, given.get(i)));
        }
        return out;
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        List<WritePlan> plans = WritePlan.asIs(model, entities); // every entity checked before anything is written
        writeInSegments(plans);
        return plans.size();
    }

    /**
     * Segments of distinct ids, at most batch-size long, written in order: a later save of the same id
     * is decided after the earlier one was written.
     */
    private void writeInSegments(List<WritePlan> plans) {
        List<WritePlan> segment = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (WritePlan p : plans) {
            if (!ids.add(docId(p.id())) || segment.size() == store.batchSize) {
                writeSegment(segment);
                segment.clear();
                ids.clear();
                ids.add(docId(p.id()));
            }
            segment.add(p);
        }
        writeSegment(segment);
    }

    /**
     * Writes saves of distinct ids: one request reads what is stored, every version is checked (a
     * stale one stops the segment before anything in it is written), one {@code _bulk_docs} writes;
     * a document someone changed in between is decided again on its own.
     */
    private void writeSegment(List<WritePlan> segment) {
        if (segment.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (WritePlan p : segment) {
            ids.add(docId(p.id()));
        }
        Map<String, Current> stored = readAll(ids);
        List<Map<String, Object>> docs = new ArrayList<>();
        List<WritePlan> sent = new ArrayList<>();
        for (WritePlan p : segment) {
            Map<String, Object> doc = decide(p, stored.get(docId(p.id())));
            if (doc != null) {
                docs.add(doc);
                sent.add(p);
            }
        }
        List<Boolean> conflicts = bulk(docs, "saveAll " + model.name());
        for (int i = 0; i < conflicts.size(); i++) {
            if (conflicts.get(i)) {
                write(sent.get(i));
            }
        }
    }

    /** The next whole-number id: a counter document per database, skipping ids already taken. */
    private long nextId() {
        String counterPath = db + "/" + CouchDbHttp.segment("_local/polystore-sequence");
        for (int attempt = 0; attempt < 1000; attempt++) {
            CouchDbHttp.Response r = store.http.send("GET", counterPath, null, "generate an id for " + model.name());
            long next = r.status() == 404 ? 1 : r.body().path("value").asLong() + 1;
            Map<String, Object> counter = new LinkedHashMap<>();
            counter.put("value", next);
            if (r.ok()) {
                counter.put("_rev", r.body().path("_rev").asText());
            }
            CouchDbHttp.Response w = store.http.send("PUT", counterPath, json.write(counter), "generate an id for " + model.name());
            if (w.status() == 409) {
                continue; // another writer took this number
            }
            if (!w.ok()) {
                throw store.http.unexpected("generate an id for " + model.name(), w);
            }
            if (read(docId(next)) == null) {
                return next;
            }
        }
        throw new StoreException("store '" + store.name() + "' (CouchDB): no free id for " + model.name() + " after 1000 tries");
    }

    // ---- deletes --------------------------------------------------------------------------------

    @Override
    public boolean deleteById(ID id) {
        return deleteId(docId(model.normalizeId(id)));
    }

    /** @return whether a live entity was deleted (an expired one is removed too, but was not there) */
    private boolean deleteId(String id) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Current c = read(id);
            if (c == null) {
                return false;
            }
            if (!bulk(List.of(tombstone(c.id, c.rev)), "delete " + model.name()).get(0)) {
                return c.doc != null;
            }
        }
        throw new StoreException("store '" + store.name() + "' (CouchDB): delete " + model.name() + " " + id
                + ": the document kept changing; tried " + ATTEMPTS + " times");
    }

    @Override
    public boolean delete(T entity) {
        WritePlan.Deletion deletion = WritePlan.Deletion.of(model, entity);
        String id = docId(deletion.id());
        if (!deletion.versioned()) {
            return deleteId(id);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Current c = read(id);
            if (c == null) {
                return false;
            }
            if (c.doc != null) {
                long stored = model.versionFromDocument(c.doc);
                if (stored != deletion.expected()) {
                    throw Conflicts.onDelete(model, deletion.id(), deletion.expected(), stored);
                }
            }
            if (!bulk(List.of(tombstone(c.id, c.rev)), "delete " + model.name()).get(0)) {
                return c.doc != null;
            }
        }
        throw Conflicts.onDelete(model, deletion.id(), deletion.expected(), Conflicts.UNKNOWN);
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        List<String> keys = keys(ids);
        long n = 0;
        for (int from = 0; from < keys.size(); from += store.batchSize) {
            Map<String, Current> stored = readAll(keys.subList(from, Math.min(keys.size(), from + store.batchSize)));
            n += deleteStored(new ArrayList<>(stored.values()));
        }
        return n;
    }

    /** Deletes read documents in one request (conflicting ones one by one); @return how many were live */
    private long deleteStored(List<Current> docs) {
        List<Map<String, Object>> tombstones = new ArrayList<>();
        for (Current c : docs) {
            tombstones.add(tombstone(c.id, c.rev));
        }
        List<Boolean> conflicts = bulk(tombstones, "delete " + model.name());
        long n = 0;
        for (int i = 0; i < docs.size(); i++) {
            if (conflicts.get(i)) {
                n += deleteId(docs.get(i).id) ? 1 : 0;
            } else if (docs.get(i).doc != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long deleteAll() {
        long[] n = {0};
        scan(null, List.of("_id", "_rev", "exp"), page -> n[0] += deleteStored(page));
        return n[0];
    }

    /** Removes entities whose expiry has passed (the store's periodic sweep). */
    void sweepExpired() {
        Map<String, Object> selector = Map.of("exp", Map.of("$lte", System.currentTimeMillis()));
        scan(selector, List.of("_id", "_rev", "exp"), this::deleteStored);
    }

    // ---- queries (Mango) ------------------------------------------------------------------------

    /**
     * Reads every document a selector matches, a page of {@code batch-size} at a time in {@code _id}
     * order, each page after the last one's final id (a keyset on {@code _id}, with an explicit
     * limit: no bookmarks, no server default).
     */
    private void scan(Map<String, Object> narrowing, List<String> fields, Consumer<List<Current>> sink) {
        scanRaw(narrowing, fields, page -> {
            List<Current> out = new ArrayList<>(page.size());
            for (Map<?, ?> d : page) {
                out.add(current(d));
            }
            sink.accept(out);
        });
    }

    /** {@link #scan}, handing on the documents as read. */
    private void scanRaw(Map<String, Object> narrowing, List<String> fields, Consumer<List<Map<?, ?>>> sink) {
        String after = null;
        while (true) {
            // $gte the last id seen (dropped below) rather than $gt: pouchdb-server answers a $gt page one short
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("$gte", after == null ? ID_PREFIX : after);
            range.put("$lt", ID_END);
            List<Object> and = new ArrayList<>();
            and.add(Map.of("_id", range));
            if (narrowing != null) {
                Mango.conjuncts(narrowing, and);
            }
            Map<String, Object> find = new LinkedHashMap<>();
            find.put("selector", Map.of("$and", and));
            find.put("fields", fields);
            find.put("sort", List.of(Map.of("_id", "asc")));
            find.put("limit", store.batchSize);
            CouchDbHttp.Response r = store.http.send("POST", db + "/_find", json.write(find), "query " + model.name());
            if (r.status() == 404) {
                return; // no database: no entities
            }
            if (!r.ok()) {
                throw store.http.unexpected("query " + model.name(), r);
            }
            List<Map<?, ?>> page = new ArrayList<>();
            int rows = 0;
            for (Object d : list(((Map<?, ?>) r.value()).get("docs"))) {
                rows++;
                if (!(d instanceof Map<?, ?> m)) {
                    throw new MappingException(model.type().getName() + ": a stored CouchDB document is not a JSON object");
                }
                if (!String.valueOf(m.get("_id")).equals(after)) {
                    page.add(m);
                }
            }
            if (!page.isEmpty()) {
                sink.accept(page);
                after = String.valueOf(page.get(page.size() - 1).get("_id"));
            }
            if (rows < store.batchSize || page.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Hands on the live documents a query's criteria may match (a superset: {@link Mango}), in no
     * particular order: when the criteria put a range on the id or an {@code @Indexed} field at the top
     * level, only that range of its order key is read; else the type's documents by {@code _id}.
     * Callers have checked the criteria with {@link DocumentQueries} first, which also refuses
     * {@code related}.
     */
    private void candidates(Query query, Consumer<Map<String, Object>> sink) {
        Lowered criteria = query.criteria().map(c -> Lowered.of(model, c)).orElse(null);
        Map<String, Object> selector = criteria == null ? null : Mango.selector(criteria);
        if (ordered && criteria != null) {
            // a range on the id or an indexed field: read the candidates in that range of its order key
            List<OrderPlan> plans = new ArrayList<>();
            plans.add(OrderPlan.byId(model));
            for (PropertyModel p : sortable) {
                plans.add(new OrderPlan("a." + p.name(), p, true, model, false));
            }
            for (OrderPlan plan : plans) {
                KeyRange range = plan.range(criteria);
                if (!range.low().isEmpty() || range.high() != null) {
                    inOrder(plan, selector, range, store.batchSize, (a, b) -> 0, d -> {
                        sink.accept(d);
                        return true;
                    });
                    return;
                }
            }
        }
        scan(selector, List.of("_id", "exp", "src", "doc"), page -> {
            for (Current c : page) {
                if (c.doc != null) {
                    sink.accept(c.doc);
                }
            }
        });
    }

    @Override
    public long count() {
        long[] n = {0};
        scan(null, List.of("_id", "exp"), page -> {
            for (Current c : page) {
                n[0] += c.doc != null ? 1 : 0;
            }
        });
        return n[0];
    }

    @Override
    public long count(Query query) {
        Predicate<Map<String, Object>> test = DocumentQueries.filter(model, query, null);
        long[] n = {0};
        candidates(query, d -> n[0] += test.test(d) ? 1 : 0);
        return n[0];
    }

    @Override
    public Page<T> find(Query query) {
        OrderPlan plan = orderPlan(query);
        if (plan == null) {
            return DocumentQueries.page(model, query,
                    DocumentQueries.select(model, query, query.limit() > 0 ? query.limit() + 1 : 0, null, sink -> candidates(query, sink)));
        }
        Predicate<Map<String, Object>> test = DocumentQueries.filter(model, query, null);
        Lowered criteria = query.criteria().map(c -> Lowered.of(model, c)).orElse(null);
        KeyRange range = plan.range(criteria);
        String from = range.low();
        if (query.cursor().isPresent()) {
            test = test.and(DocumentQueries.after(model, query.sort(), query.cursor().get()));
            String at = plan.key(DocumentQueries.cursorValues(model, query.sort(), query.cursor().get()));
            // a cut key's group, or the cursor value's ties when more sort keys follow, are read whole; else strictly after
            String after = plan.grouped() ? tieOf(at) : OrderKeys.isCut(at) ? at : at + "0";
            from = after.compareTo(from) > 0 ? after : from;
        }
        Map<String, Object> narrowing = criteria == null ? null : Mango.selector(criteria);
        int want = query.limit() > 0 ? query.limit() + 1 : Integer.MAX_VALUE;
        List<Map<String, Object>> docs = new ArrayList<>();
        Predicate<Map<String, Object>> matches = test;
        KeyRange read = new KeyRange(from, range.high());
        inOrder(plan, narrowing, read, Math.max(2, Math.min(want, store.batchSize + 1)), DocumentQueries.comparator(model, query.sort()), d -> {
            if (matches.test(d)) {
                docs.add(d);
            }
            return docs.size() < want;
        });
        return DocumentQueries.page(model, query, docs);
    }

    @Override
    public Stream<T> stream(Query query) {
        if (orderPlan(query) != null) {
            return PagedStream.of(query, store.batchSize, this::find);
        }
        return DocumentQueries.select(model, query, 0, null, sink -> candidates(query, sink)).stream().map(model::fromDocument);
    }

    // ---- queries in order (order keys) ----------------------------------------------------------

    /**
     * How a query's total order maps onto one order key: {@code i} for id order (or a sort whose
     * first key is the id ascending), {@code a.f} or {@code d.f} for a sort whose first key is one
     * sortable field (then id, as every order ends).
     *
     * @param key     the order key
     * @param field   the sort field's kind and name, or null for id order
     * @param grouped whether more sort keys follow the field: rows that tie on its value are read
     *                whole and ordered by the rest in Java
     */
    private record OrderPlan(String key, PropertyModel field, boolean ascending, EntityModel<?> model, boolean grouped) {
        /** @return the plan of id order */
        static OrderPlan byId(EntityModel<?> model) {
            return new OrderPlan("i", null, true, model, false);
        }

        /** @return the order key of a cursor position (its stored sort values, then the id) */
        String key(List<Object> cursorValues) {
            String id = OrderKeys.of(model.id().kind(), cursorValues.get(cursorValues.size() - 1));
            if (field == null) {
                return OrderKeys.bounded(id);
            }
            String v = OrderKeys.of(field.kind(), cursorValues.get(0));
            return OrderKeys.bounded(OrderKeys.tuple(ascending ? v : OrderKeys.descending(v), id));
        }

        /**
         * The keys that entities matching the criteria can have, from the ranges the criteria put on
         * this order's field at the top level ({@code f >= v AND ...}), so that a read starts at the
         * first possible key and stops after the last instead of filtering the index from its start.
         * The bounds only widen where that is simpler (a strict bound read as inclusive; a long bound
         * shortened to a prefix, or dropped): every row is still checked exactly.
         *
         * @param criteria the lowered criteria, or null
         * @return the range
         */
        KeyRange range(Lowered criteria) {
            String[] range = {"", null};
            List<Lowered> parts = new ArrayList<>();
            conjuncts(criteria, parts);
            String name = field == null ? model.id().name() : field.name();
            for (Lowered part : parts) {
                Lowered.Field f = part instanceof Lowered.Compare c ? c.field() : part instanceof Lowered.NotNull n ? n.field() : null;
                if (f == null || f.path().segments().size() != 1 || !f.path().segments().get(0).equals(name)) {
                    continue;
                }
                if (field != null) { // a comparison with a value, like "not null", is false of null: start after the nulls
                    narrow(range, OrderKeys.of(field.kind(), null), true, false, true);
                }
                if (part instanceof Lowered.Compare c) {
                    String v;
                    try {
                        v = OrderKeys.of(f.kind(), c.operand());
                    } catch (IllegalArgumentException e) {
                        continue; // not a value of the field's kind: the exact check decides
                    }
                    Criteria.Op op = c.op();
                    narrow(range, v, op == Criteria.Op.EQ || op == Criteria.Op.GE || op == Criteria.Op.GT,
                            op == Criteria.Op.EQ || op == Criteria.Op.LE || op == Criteria.Op.LT,
                            op == Criteria.Op.GT || op == Criteria.Op.LT);
                }
            }
            return new KeyRange(range[0], range[1]);
        }

        /**
         * Narrows {low, high} to the keys of values at least and/or at most a value's key v.
         * The id's own key orders as the id, and "v0" is the first key after v's. A field's key is
         * value, 0, id: every key of value v lies between v and v1 and other values' keys outside them
         * (a value's key is never a prefix of another's followed by 0); descending keys, where the
         * bounds swap, likewise, as none of them is a prefix of another.
         */
        private void narrow(String[] range, String v, boolean atLeast, boolean atMost, boolean strict) {
            String low = null;
            String high = null;
            if (field == null) {
                low = atLeast ? (strict ? v + "0" : v) : null;
                high = atMost ? v : null;
            } else {
                String k = ascending ? v : OrderKeys.descending(v);
                boolean from = ascending ? atLeast : atMost;
                boolean to = ascending ? atMost : atLeast;
                low = from ? (strict ? k + "1" : k) : null;
                high = to ? (strict ? k : k + "1") : null;
            }
            if (low != null) { // a prefix of a lower bound is one, and is no longer than a cut key's prefix
                low = low.substring(0, Math.min(low.length(), OrderKeys.MAX_LENGTH));
                range[0] = low.compareTo(range[0]) > 0 ? low : range[0];
            }
            if (high != null && high.length() <= OrderKeys.MAX_LENGTH && (range[1] == null || high.compareTo(range[1]) < 0)) {
                range[1] = high;
            }
        }

        private static void conjuncts(Lowered l, List<Lowered> out) {
            if (l instanceof Lowered.And and) {
                for (Lowered p : and.parts()) {
                    conjuncts(p, out);
                }
            } else if (l != null) {
                out.add(l);
            }
        }
    }

    /**
     * Order keys to read, both inclusive.
     *
     * @param low  the first key that may be read ("" for the start)
     * @param high the last, or null for the end of the index
     */
    private record KeyRange(String low, String high) {
        boolean empty() {
            return high != null && low.compareTo(high) > 0;
        }

        Map<String, Object> selector() {
            return high == null ? Map.of("$gte", low) : Map.of("$gte", low, "$lte", high);
        }
    }

    /** @return the order key a query can page by, or null when it must read every candidate */
    private OrderPlan orderPlan(Query query) {
        List<io.polystore.mapping.PropertyPath> paths = DocumentQueries.sortPaths(model, query.sort()); // checks the sort
        if (!ordered) {
            return null;
        }
        if (paths.isEmpty()) {
            return OrderPlan.byId(model);
        }
        List<String> segments = paths.get(0).segments();
        boolean ascending = query.sort().get(0).ascending();
        if (segments.size() == 1 && segments.get(0).equals(model.id().name()) && ascending) {
            return OrderPlan.byId(model);
        }
        for (PropertyModel p : sortable) {
            if (segments.size() == 1 && segments.get(0).equals(p.name())) {
                return new OrderPlan((ascending ? "a." : "d.") + p.name(), p, ascending, model, paths.size() > 1);
            }
        }
        return null;
    }

    /**
     * Hands on live documents in the order of an order key, within a range of keys, until the sink
     * answers false. Each request reads the next rows of the order key's index after the last key
     * seen, with an explicit limit that grows to {@code batch-size}: a page reads about what it shows,
     * not every candidate. Distinct entities have distinct keys unless a key was cut
     * ({@link OrderKeys#bounded}); the rows behind one cut key are read whole (by {@code skip}, with
     * ids already seen dropped) and handed on in the query's order, and so are the rows that tie on
     * the field's value when more sort keys follow it ({@link OrderPlan#grouped}). Bounds are {@code $gte}
     * (pouchdb-server 4.2 reads {@code $gt} as {@code $gte}): "after key k" is "from k + 0", the next
     * possible key. The index has the order key alone: on a two-field index with a range on the first,
     * pouchdb-server 4.2 reads every row to the end of the index before it applies the limit.
     */
    private void inOrder(OrderPlan plan, Map<String, Object> narrowing, KeyRange range, int firstBatch,
                         java.util.Comparator<Map<String, Object>> order, Predicate<Map<String, Object>> sink) {
        String field = "ord." + plan.key();
        String lower = range.low();
        String cutKey = null;                            // the cut key of the last rows read, or null
        boolean inCut = false;                           // whether the next request reads on under that key
        java.util.Set<String> cutIds = new java.util.HashSet<>(); // the ids read under it so far
        String tieKey = null;                            // what the rows in group tie on, or null
        List<Map<String, Object>> group = new ArrayList<>();       // their live documents, to order in Java
        int batch = firstBatch;
        while (true) {
            List<Object> and = new ArrayList<>();
            KeyRange next = new KeyRange(lower, range.high());
            if (!inCut && next.empty()) {
                flush(group, order, sink);
                return;
            }
            and.add(Map.of(field, inCut ? Map.of("$eq", cutKey) : next.selector()));
            if (narrowing != null) {
                Mango.conjuncts(narrowing, and);
            }
            Map<String, Object> find = new LinkedHashMap<>();
            find.put("selector", Map.of("$and", and));
            find.put("fields", List.of("_id", "exp", "src", "doc", "ord"));
            find.put("sort", List.of(Map.of(field, "asc")));
            find.put("limit", batch);
            if (inCut) {
                find.put("skip", cutIds.size());
            }
            find.put("use_index", List.of(indexName(plan.key()), indexName(plan.key())));
            CouchDbHttp.Response r = store.http.send("POST", db + "/_find", json.write(find), "query " + model.name());
            if (r.status() == 404) {
                return; // no database: no entities
            }
            if (!r.ok()) {
                throw store.http.unexpected("query " + model.name(), r);
            }
            int rows = 0;
            String lastKey = null;
            for (Object row : list(((Map<?, ?>) r.value()).get("docs"))) {
                rows++;
                Map<?, ?> raw = (Map<?, ?>) row;
                String id = String.valueOf(raw.get("_id"));
                String key = raw.get("ord") instanceof Map<?, ?> ord ? orderKey(ord, plan.key()) : null;
                if (key == null) {
                    throw new StoreException("store '" + store.name() + "' (CouchDB): document " + id + " of " + model.name()
                            + " has no order key " + plan.key() + " although the layout marker says every document has");
                }
                lastKey = key;
                boolean cut = OrderKeys.isCut(key);
                if (cut && !key.equals(cutKey)) {
                    cutKey = key;
                    cutIds.clear();
                }
                if (cut && !cutIds.add(id)) {
                    continue; // a row seen twice: the rows under the cut key changed while being read
                }
                Map<String, Object> doc = current(raw).doc;
                String tie = plan.grouped() ? tieOf(key) : cut ? key : null;
                if (!java.util.Objects.equals(tie, tieKey) || tie == null) {
                    if (!flush(group, order, sink)) {
                        return;
                    }
                    tieKey = tie;
                }
                if (doc == null) {
                    continue;
                }
                if (tie != null) {
                    group.add(doc);
                } else if (!sink.test(doc)) {
                    return;
                }
            }
            if (rows < batch) {
                if (inCut) { // every row under the cut key is read: go on after it (its ties may go on too)
                    lower = cutKey + "0";
                    cutKey = null;
                    cutIds.clear();
                    inCut = false;
                    continue;
                }
                flush(group, order, sink);
                return;
            }
            if (OrderKeys.isCut(lastKey)) {
                inCut = true; // rows under the cut key may go on past this batch: read on under it
            } else {
                lower = lastKey + "0";
            }
            batch = Math.max(2, Math.min(store.batchSize, batch * 2));
        }
    }

    /**
     * @param key a field's order key (value, {@code 0}, id; possibly cut)
     * @return the part that rows tying on the field's value share: the value's key, or the whole
     *         key when the cut fell inside the value (no value key holds {@code 0})
     */
    private static String tieOf(String key) {
        int separator = key.indexOf('0');
        return separator > 0 ? key.substring(0, separator) : key;
    }

    /** Hands on a group of ties (of one cut key, or one value) in the query's order; @return whether the sink wants more */
    private static boolean flush(List<Map<String, Object>> group, java.util.Comparator<Map<String, Object>> order,
                                 Predicate<Map<String, Object>> sink) {
        if (group.isEmpty()) {
            return true;
        }
        group.sort(order);
        try {
            for (Map<String, Object> d : group) {
                if (!sink.test(d)) {
                    return false;
                }
            }
            return true;
        } finally {
            group.clear();
        }
    }

    @Override
    public String toString() {
        return "CouchDbRepository[" + model.name() + " in " + store.name() + " " + store.database(model) + "]";
    }
}
