package io.polystore.keyvalue.internal;

import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.spi.Conflicts;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.Lowered;
import io.polystore.spi.WritePlan;
import io.polystore.spi.FirstN;
import io.polystore.spi.JsonDocuments;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Repository of one entity type in Redis. Documents are JSON strings (one GET or MGET reads them,
 * nested values need no mapping to hash fields); every write runs a Lua script that changes the
 * document, its version and its index entries together. Queries read candidate ids from the index
 * structures of {@code @Indexed} top-level fields, fetch the documents with MGET, and apply the exact
 * criteria, order and cursor to them.
 */
final class RedisRepository<T, ID> implements Repository<T, ID> {
    private static final String MAX_TEXT = "\uDBFF\uDFFF";

    private final RedisStore store;
    private final EntityModel<T> model;
    private final String base;
    private final String entityPrefix;
    private final String allKey;
    private final boolean versioned;
    private final boolean expiring;
    private final boolean plain;
    /** plain, string or UUID ids, and the store keeps no id sets: saves are bare SETs (see RedisStore.idSet) */
    private final boolean setOnly;
    /** Whether a set-only save writes its JSON straight from the entity (EntityModel#documentJson). */
    private final boolean direct;
    private final String saveScript;
    private final JsonDocuments<T> codec;

    RedisRepository(RedisStore store, EntityModel<T> model) {
        this.store = store;
        this.model = model;
        this.base = Keys.base(store.prefix, model.name());
        this.entityPrefix = base + "e:";
        this.allKey = base + "all";
        this.versioned = model.version().isPresent();
        this.expiring = model.expires().isPresent();
        this.plain = !versioned && !expiring && model.indexed().stream().noneMatch(IndexEntries::indexable);
        this.saveScript = plain ? Scripts.SAVE_PLAIN : Scripts.SAVE;
        // numeric ids keep the script: it moves the id sequence past ids given by hand
        this.setOnly = plain && !store.idSet && model.idKind() != EntityModel.IdKind.LONG;
        this.direct = setOnly && model.writesDocumentDirectly();
        this.codec = new JsonDocuments<>(model);
    }

    @Override
    public EntityModel<T> model() {
        return model;
    }

    @Override
    public Store store() {
        return store;
    }

    private String key(Object id) {
        return entityPrefix + model.idToString(id);
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

    /** A prepared save: the plan and the script's keys and arguments. */
    private record Save(WritePlan plan, String[] keys, String[] args) {
    }

    private Save prepare(T entity) {
        return prepare(WritePlan.of(model, entity, () -> store.ops.incr(base + "seq")), false);
    }

    /** @param imported whether the plan is written as is (importAll): no version check, its version stored */
    private Save prepare(WritePlan plan, boolean imported) {
        Map<String, Object> doc = plan.document();
        String idText = model.idToString(plan.id());
        String numericId = model.idKind() == EntityModel.IdKind.LONG ? "1" : "0";
        if (plain) {
            return new Save(plan, new String[]{entityPrefix + idText}, new String[]{base, idText, write(doc), numericId});
        }
        String entries = write(IndexEntries.of(model, base, idText, doc));
        String[] args = {base, idText, write(doc), versioned && !imported ? Long.toString(plan.expected()) : "-1",
                plan.expiresAt() == null ? "-1" : Long.toString(plan.expiresAt().toEpochMilli()),
                Long.toString(System.currentTimeMillis()), entries, numericId,
                versioned && imported ? Long.toString(plan.storedVersion(model)) : "-1"};
        return new Save(plan, new String[]{entityPrefix + idText}, args);
    }

    private void check(Save s, List<Object> result) {
        long code = (Long) result.get(0);
        if (code == -1 || code == -2) {
            Object current = result.size() > 1 ? result.get(1) : null;
            throw Conflicts.onSave(model, s.plan.id(), s.plan.expected(), storedVersion(current));
        }
    }

    /** @return the version a script read (a number or its text), or what Conflicts says for none */
    private static long storedVersion(Object current) {
        if (current == null) {
            return Conflicts.ABSENT;
        }
        if (current instanceof Number n) {
            return n.longValue();
        }
        String text = current instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : current.toString();
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return Conflicts.UNKNOWN;
        }
    }

    @Override
    public T save(T entity) {
        if (setOnly) {
            Object id = direct ? model.idOf(entity) : null;
            if (id != null) { // as below, without building the document: the same bytes, the caller's entity
                String key = key(id);
                store.ops.setBytes(key, codec.writeEntityBytes(entity), -1, false);
                store.awaitReplicas(key);
                return entity;
            }
            WritePlan plan = WritePlan.of(model, entity, () -> store.ops.incr(base + "seq"));
            String key = key(plan.id());
            store.ops.setBytes(key, codec.writeBytes(plan.document()), -1, false);
            store.awaitReplicas(key);
            return plan.result(model, entity);
        }
        Save s = prepare(entity);
        check(s, store.ops.evalList(saveScript, s.keys, s.args));
        store.awaitReplicas(s.keys[0]);
        return s.plan.result(model, entity);
    }

    @Override
    public List<T> saveAll(Iterable<? extends T> entities) {
        if (setOnly) {
            return setAll(entities);
        }
        List<T> given = new ArrayList<>();
        List<Save> saves = new ArrayList<>();
        for (T e : entities) {
            given.add(e);
            saves.add(prepare(e));
        }
        writeAll(saves);
        if (!saves.isEmpty()) {
            store.awaitReplicas(saves.get(0).keys[0]); // every key of the type is on one primary
        }
        List<T> out = new ArrayList<>(saves.size());
        for (int i = 0; i < saves.size(); i++) {
            out.add(saves.get(i).plan.result(model, given.get(i)));
        }
        return out;
    }

    @Override
    public long importAll(Iterable<? extends T> entities) {
        List<Save> saves = new ArrayList<>();
        for (WritePlan plan : WritePlan.asIs(model, entities)) {   // every entity checked before anything is written
            saves.add(prepare(plan, true));
        }
        if (saves.isEmpty()) {
            return 0;
        }
        writeAll(saves);
        store.awaitReplicas(saves.get(0).keys[0]);
        return saves.size();
    }

    /**
     * A batch of a plain type kept by bare SETs: every entity planned first (ids, checks), then the
     * documents encoded to UTF-8 as their MSET window is sent, overlapping encoding with the server.
     */
    private List<T> setAll(Iterable<? extends T> entities) {
        List<T> given = new ArrayList<>();
        List<WritePlan> plans = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (T e : entities) {
            WritePlan plan = WritePlan.of(model, e, () -> store.ops.incr(base + "seq"));
            given.add(e);
            plans.add(plan);
            keys.add(key(plan.id()));
        }
        if (plans.isEmpty()) {
            return List.of();
        }
        store.ops.setAll(keys, i -> codec.writeBytes(plans.get(i).document()));
        store.awaitReplicas(keys.get(0));
        List<T> out = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            out.add(plans.get(i).result(model, given.get(i)));
        }
        return out;
    }

    private void writeAll(List<Save> saves) {
        if (plain) {
            savePlain(saves);
        } else {
            List<String[]> keys = new ArrayList<>(saves.size());
            List<String[]> args = new ArrayList<>(saves.size());
            for (Save s : saves) {
                keys.add(s.keys);
                args.add(s.args);
            }
            List<List<Object>> results = store.ops.evalListAll(saveScript, keys, args);
            for (int i = 0; i < saves.size(); i++) {
                check(saves.get(i), results.get(i));
            }
        }
    }

    /** Plain entities go 500 to a script call (one MSET, one SADD): one call per chunk, the calls pipelined. */
    private void savePlain(List<Save> saves) {
        if (setOnly) { // importAll: the documents are already written out
            store.ops.setAll(saves.stream().map(s -> s.keys[0]).toList(),
                    i -> saves.get(i).args[2].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        int chunk = 500; // 1 000 MSET arguments: far below Lua's unpack limit (8 000)
        List<String[]> keys = new ArrayList<>();
        List<String[]> args = new ArrayList<>();
        for (int from = 0; from < saves.size(); from += chunk) {
            List<Save> part = saves.subList(from, Math.min(saves.size(), from + chunk));
            String[] k = new String[part.size()];
            String[] a = new String[2 + 2 * part.size()];
            a[0] = base;
            a[1] = model.idKind() == EntityModel.IdKind.LONG ? "1" : "0";
            for (int i = 0; i < part.size(); i++) {
                Save s = part.get(i);
                k[i] = s.keys[0];
                a[2 + 2 * i] = s.args[1];
                a[3 + 2 * i] = s.args[2];
            }
            keys.add(k);
            args.add(a);
        }
        store.ops.evalLongAll(Scripts.SAVE_PLAIN_MANY, keys, args);
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    public Optional<T> findById(ID id) {
        byte[] stored = store.ops.getBytes(key(model.normalizeId(id)));
        return stored == null ? Optional.empty() : Optional.of(codec.entity(stored));
    }

    @Override
    public List<T> findAllById(Iterable<? extends ID> ids) {
        List<String> keys = new ArrayList<>();
        for (ID id : new LinkedHashSet<>(toList(ids))) {
            keys.add(key(model.normalizeId(id)));
        }
        List<T> out = new ArrayList<>();
        for (byte[] stored : keys.isEmpty() ? List.<byte[]>of() : store.ops.mgetBytes(keys)) {
            if (stored != null) {
                out.add(codec.entity(stored));
            }
        }
        return out;
    }

    private static <X> List<X> toList(Iterable<? extends X> items) {
        List<X> out = new ArrayList<>();
        items.forEach(out::add);
        return out;
    }

    /** MGET in chunks, pipelined; null for missing keys, in key order. */
    private List<String> mget(List<String> keys) {
        return keys.isEmpty() ? new ArrayList<>() : store.ops.mget(keys);
    }

    @Override
    public boolean existsById(ID id) {
        String k = key(model.normalizeId(id));
        return store.ops.exists(k);
    }

    // ---- deletes ----------------------------------------------------------------------------

    private long delete(Object id, long expected) {
        String idText = model.idToString(id);
        if (setOnly) {
            long deleted = store.ops.del(entityPrefix + idText);
            store.awaitReplicas(entityPrefix + idText);
            return deleted;
        }
        long r = store.ops.evalLong(Scripts.DELETE, new String[]{entityPrefix + idText}, base, idText, Long.toString(expected));
        store.awaitReplicas(entityPrefix + idText);
        if (r == -2) {
            throw Conflicts.onDelete(model, id, expected, Conflicts.UNKNOWN);
        }
        return r;
    }

    @Override
    public boolean deleteById(ID id) {
        return delete(model.normalizeId(id), -1) == 1;
    }

    @Override
    public boolean delete(T entity) {
        WritePlan.Deletion deletion = WritePlan.Deletion.of(model, entity);
        return delete(deletion.id(), deletion.versioned() ? deletion.expected() : -1) == 1;
    }

    @Override
    public long deleteAllById(Iterable<? extends ID> ids) {
        List<String> idTexts = new ArrayList<>();
        for (ID id : new LinkedHashSet<>(toList(ids))) {
            idTexts.add(model.idToString(model.normalizeId(id)));
        }
        return deleteIds(idTexts);
    }

    private long deleteIds(List<String> idTexts) {
        if (setOnly) {
            List<String> keys = new ArrayList<>(idTexts.size());
            for (String id : idTexts) {
                keys.add(entityPrefix + id);
            }
            long present = mget(keys).stream().filter(java.util.Objects::nonNull).count();
            unlink(keys);
            if (!keys.isEmpty()) {
                store.awaitReplicas(keys.get(0)); // every key of the type is on one primary
            }
            return present;
        }
        List<String[]> keys = new ArrayList<>(idTexts.size());
        List<String[]> args = new ArrayList<>(idTexts.size());
        for (String id : idTexts) {
            keys.add(new String[]{entityPrefix + id});
            args.add(new String[]{base, id, "-1"});
        }
        long n = 0;
        for (long r : store.ops.evalLongAll(Scripts.DELETE, keys, args)) {
            if (r == 1) {
                n++;
            }
        }
        if (!keys.isEmpty()) {
            store.awaitReplicas(keys.get(0)[0]);
        }
        return n;
    }

    @Override
    public long deleteAll() {
        purge();
        long n = setOnly ? entityKeys().size() : deleteIds(new ArrayList<>(store.ops.smembers(allKey)));
        // whatever is left of the type (index keys, stray entries) goes too; the id sequence stays
        List<String> rest = store.ops.scanKeys(Keys.glob(base) + "*");
        rest.remove(base + "seq");
        unlink(rest);
        store.awaitReplicas(allKey);
        return n;
    }

    private void unlink(List<String> keys) {
        store.unlinkInBatches(keys);
    }

    /** Drops the index entries of expired entities, so that counts and index reads see only live ones. */
    private void purge() {
        if (!expiring) {
            return;
        }
        long purged;
        do {
            // the expiry key goes in KEYS so that a cluster routes the script to the type's node
            purged = store.ops.evalLong(Scripts.PURGE, new String[]{base + "exp"}, base, Long.toString(System.currentTimeMillis()), "1000");
        } while (purged >= 1000);
    }

    // ---- queries ----------------------------------------------------------------------------

    @Override
    public long count() {
        purge();
        return setOnly ? entityKeys().size() : store.ops.scard(allKey);
    }

    /** The keys of every stored entity of the type (SCAN; used when the store keeps no id sets). */
    private List<String> entityKeys() {
        return store.ops.scanKeys(Keys.glob(entityPrefix) + "*");
    }

    @Override
    public long count(Query query) {
        if (query.criteria().isEmpty()) {
            return count();
        }
        long[] n = {0};
        scanCandidates(query, false, candidatesOf(query), doc -> n[0]++);
        return n[0];
    }

    /**
     * What a query reads: its exact test, and the ids of its criteria's candidates (null: every
     * entity), computed once per query, after expired entities were purged.
     */
    private record Candidates(Predicate<Map<String, Object>> exact, Set<String> ids) {
    }

    private Candidates candidatesOf(Query query) {
        purge();
        Predicate<Map<String, Object>> exact = DocumentQueries.filter(model, query, null);
        return new Candidates(exact, query.criteria().map(this::candidates).orElse(null));
    }

    /** Candidate ids per MGET: the documents of a large candidate set are read a page at a time. */
    private static final int MGET_PAGE = 1000;

    /**
     * Reads the candidates of a query's criteria (every entity without criteria) a page of ids at
     * a time and hands on the documents that match (and follow the cursor, if asked), so that
     * memory holds the matches, not every candidate's document.
     */
    private void scanCandidates(Query query, boolean useCursor, Candidates candidates,
                                java.util.function.Consumer<Map<String, Object>> sink) {
        Predicate<Map<String, Object>> exact = candidates.exact();
        Set<String> ids = candidates.ids() != null ? candidates.ids() : all();
        Predicate<Map<String, Object>> after = useCursor && query.cursor().isPresent()
                ? DocumentQueries.after(model, query.sort(), query.cursor().get()) : d -> true;
        List<String> keys = new ArrayList<>(Math.min(ids.size(), MGET_PAGE));
        java.util.Iterator<String> it = ids.iterator();
        while (it.hasNext()) {
            keys.add(entityPrefix + it.next());
            if (keys.size() == MGET_PAGE || !it.hasNext()) {
                for (String text : mget(keys)) {
                    if (text != null) {
                        Map<String, Object> doc = document(text);
                        if (exact.test(doc) && after.test(doc)) {
                            sink.accept(doc);
                        }
                    }
                }
                keys.clear();
            }
        }
    }

    /**
     * The documents matching a query's criteria (and cursor), in query order: the first
     * {@code limit} (a bounded heap) when {@code limit > 0}, else all of them.
     */
    private List<Map<String, Object>> matching(Query query, boolean useCursor, int limit, Candidates candidates) {
        Comparator<Map<String, Object>> order = DocumentQueries.comparator(model, query.sort());
        if (limit <= 0) {
            List<Map<String, Object>> docs = new ArrayList<>();
            scanCandidates(query, useCursor, candidates, docs::add);
            docs.sort(order);
            return docs;
        }
        FirstN first = new FirstN(order, limit);
        scanCandidates(query, useCursor, candidates, first);
        return first.sorted();
    }

    @Override
    public Page<T> find(Query query) {
        int want = query.limit() > 0 ? query.limit() + 1 : 0;
        Candidates candidates = candidatesOf(query);
        List<Map<String, Object>> walked = want > 0 ? walkSortIndex(query, want, candidates) : null;
        if (walked == null && want > 0 && idOrder(query) != null) {
            walked = new ArrayList<>(want);
            java.util.Iterator<Map<String, Object>> it = walkIds(query, candidates);
            while (walked.size() < want && it.hasNext()) {
                walked.add(it.next());
            }
        }
        return DocumentQueries.page(model, query, walked != null ? walked : matching(query, true, want, candidates));
    }

    /**
     * The order of id texts when a query is in id order (no sort keys, or the id alone), else null.
     * Ids compare as the API compares them: text and UUIDs by code point, whole numbers by value.
     */
    private Comparator<String> idOrder(Query query) {
        List<io.polystore.query.Sort> sort = query.sort();
        if (sort.size() > 1 || sort.size() == 1 && !sort.get(0).field().equals(model.id().name())) {
            return null;
        }
        Comparator<String> ascending = model.idKind() == EntityModel.IdKind.LONG
                ? Comparator.comparingLong(Long::parseLong) : io.polystore.mapping.Values::compareCodePoints;
        return sort.isEmpty() || sort.get(0).ascending() ? ascending : ascending.reversed();
    }

    /**
     * The matches of a query in id order, read lazily: the candidate ids (every id of the type when
     * the criteria name no index) are sorted first, the ids up to the cursor skipped, and the
     * documents read {@value #MGET_PAGE} at a time and checked exactly. A page costs reading the
     * ids and sorting them, and the documents of that page; not every document of the type.
     */
    private java.util.Iterator<Map<String, Object>> walkIds(Query query, Candidates candidates) {
        Comparator<String> order = idOrder(query);
        List<String> ids = new ArrayList<>(candidates.ids() != null ? candidates.ids() : all());
        ids.sort(order);
        int from = 0;
        if (query.cursor().isPresent()) {
            List<Object> values = DocumentQueries.cursorValues(model, query.sort(), query.cursor().get());
            String last = model.idToString(values.get(values.size() - 1));
            int at = java.util.Collections.binarySearch(ids, last, order);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        List<String> rest = ids.subList(from, ids.size());
        Predicate<Map<String, Object>> exact = candidates.exact();
        return new java.util.Iterator<>() {
            private int next;
            private final java.util.ArrayDeque<Map<String, Object>> ready = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && next < rest.size()) {
                    int to = Math.min(rest.size(), next + MGET_PAGE);
                    List<String> keys = new ArrayList<>(to - next);
                    for (String id : rest.subList(next, to)) {
                        keys.add(entityPrefix + id);
                    }
                    next = to;
                    for (String text : mget(keys)) {
                        if (text != null) {
                            Map<String, Object> doc = document(text);
                            if (exact.test(doc)) {
                                ready.add(doc);
                            }
                        }
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Map<String, Object> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** The most index entries read per window of a walk along a sort index (the first window is the page). */
    private static final int MAX_WINDOW = 1024;

    /**
     * The first {@code want} matches of a query whose first sort key is an {@code @Indexed} number
     * (or boolean, time, date), read by walking that key's sorted set in order instead of reading
     * every candidate: windows of ids in score order, filtered by the criteria's candidate ids, then
     * their documents, checked exactly. Scores may round (several values, one score), so the walk
     * goes on past the {@code want}-th match until the score changes; an entity not read then has a
     * larger score, so a larger value, and comes after all of them. Nulls (not in the sorted set)
     * come first ascending, last descending, as the API orders them.
     *
     * @return the matches in query order (at most {@code want}), or null when the query is not of
     *         this shape, or its criteria's candidates are few enough to read them all (cheaper)
     */
    private List<Map<String, Object>> walkSortIndex(Query query, int want, Candidates candidates) {
        if (query.sort().isEmpty()) {
            return null;
        }
        io.polystore.query.Sort first = query.sort().get(0);
        PropertyPath path = model.path(first.field());
        PropertyModel p = path.root();
        if (!path.isTopLevel() || path.multiValued() || !p.isIndexed() || !IndexEntries.isNumeric(p.kind())) {
            return null;
        }
        Set<String> ids = candidates.ids();
        if (ids != null && ids.size() <= 4L * want + 64) {
            return null;
        }
        Predicate<Map<String, Object>> after = query.cursor().isPresent()
                ? DocumentQueries.after(model, query.sort(), query.cursor().get()) : d -> true;
        Predicate<Map<String, Object>> test = candidates.exact().and(after);
        boolean ascending = first.ascending();
        boolean hasCursor = query.cursor().isPresent();
        Object cursorValue = hasCursor ? DocumentQueries.cursorValues(model, query.sort(), query.cursor().get()).get(0) : null;
        List<Map<String, Object>> found = new ArrayList<>();
        if (ascending && (!hasCursor || cursorValue == null)) {
            addMatches(new ArrayList<>(store.ops.smembers(IndexEntries.nullKey(base, p.name()))), ids, test, found);
        }
        // descending with a cursor in the nulls: only nulls are left (ascending, the sorted set follows the nulls)
        if (found.size() < want && !(hasCursor && cursorValue == null && !ascending)) {
            double start = hasCursor && cursorValue != null ? IndexEntries.score(p.kind(), cursorValue)
                    : ascending ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            walk(IndexEntries.numberKey(base, p.name()), start, ascending, want, ids, test, found);
        }
        if (!ascending && found.size() < want) {
            addMatches(new ArrayList<>(store.ops.smembers(IndexEntries.nullKey(base, p.name()))), ids, test, found);
        }
        found.sort(DocumentQueries.comparator(model, query.sort()));
        return found.size() > want ? new ArrayList<>(found.subList(0, want)) : found;
    }

    /** Walks a numeric index from {@code start} until {@code want} matches are found and the score moved past the last needed one. */
    private void walk(String indexKey, double start, boolean ascending, int want, Set<String> candidates,
                      Predicate<Map<String, Object>> test, List<Map<String, Object>> found) {
        double from = start;
        long skip = 0; // entries at score `from` already read
        Double boundary = null; // the score of the want-th match, once there is one
        // the first window is the page and one more entry (enough when every entry matches and scores differ);
        // later ones double, up to MAX_WINDOW
        int window = Math.min(MAX_WINDOW, want + 1);
        while (true) {
            List<Object> raw = store.ops.evalList(Scripts.INDEX_WINDOW, new String[]{indexKey}, bound(from),
                    ascending ? "+inf" : "-inf", Long.toString(skip), Integer.toString(window), ascending ? "0" : "1");
            List<String> ids = new ArrayList<>(raw.size() / 2);
            List<Double> scores = new ArrayList<>(raw.size() / 2);
            boolean past = false;
            for (int i = 0; i + 1 < raw.size(); i += 2) {
                double score = parseScore(String.valueOf(raw.get(i + 1)));
                if (boundary != null && (ascending ? score > boundary : score < boundary)) {
                    past = true; // every entity from here on has a larger score: it comes after the want matches
                    break;
                }
                ids.add(String.valueOf(raw.get(i)));
                scores.add(score);
                skip = score == from ? skip + 1 : 1;
                from = score;
            }
            int before = found.size();
            List<Integer> matched = addMatches(ids, candidates, test, found);
            if (boundary == null && found.size() >= want) {
                // the want-th match overall is in this window
                boundary = scores.get(matched.get(want - before - 1));
            }
            double last = scores.isEmpty() ? from : scores.get(scores.size() - 1);
            if (boundary != null && (ascending ? last > boundary : last < boundary)) {
                past = true; // this window already went past it: so does everything after
            }
            if (past || raw.size() / 2 < window) {
                return; // past the boundary, or the end of the index
            }
            window = Math.min(MAX_WINDOW, window * 2);
        }
    }

    private static String bound(double score) {
        return Double.isInfinite(score) ? (score > 0 ? "+inf" : "-inf") : Double.toString(score);
    }

    private static double parseScore(String s) {
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /**
     * Reads the documents of the ids that are candidates and adds those that pass the test.
     *
     * @return the positions (in {@code ids}) of the matches added, in order
     */
    private List<Integer> addMatches(List<String> ids, Set<String> candidates, Predicate<Map<String, Object>> test,
                                     List<Map<String, Object>> found) {
        List<Integer> positions = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (candidates == null || candidates.contains(ids.get(i))) {
                positions.add(i);
                keys.add(entityPrefix + ids.get(i));
            }
        }
        List<Integer> matched = new ArrayList<>();
        List<String> texts = mget(keys);
        for (int j = 0; j < texts.size(); j++) {
            if (texts.get(j) != null) {
                Map<String, Object> doc = document(texts.get(j));
                if (test.test(doc)) {
                    found.add(doc);
                    matched.add(positions.get(j));
                }
            }
        }
        return matched;
    }

    @Override
    public Stream<T> stream(Query query) {
        Candidates candidates = candidatesOf(query);
        if (idOrder(query) != null) {
            // in id order: the ids are sorted, the documents read as the stream is consumed
            java.util.Iterator<Map<String, Object>> docs = walkIds(query, candidates);
            Stream<Map<String, Object>> s = java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(docs,
                    java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false);
            return s.map(model::fromDocument);   // every match from the cursor on: a stream ignores the limit
        }
        return matching(query, true, 0, candidates).stream().map(model::fromDocument);
    }

    private Set<String> all() {
        if (setOnly) {
            Set<String> ids = new LinkedHashSet<>();
            for (String k : entityKeys()) {
                ids.add(k.substring(entityPrefix.length()));
            }
            return ids;
        }
        return new LinkedHashSet<>(store.ops.smembers(allKey));
    }

    /** Ids that may match; a superset of the matches (the documents are checked exactly afterwards). */
    private Set<String> candidates(Criteria c) {
        if (c instanceof Criteria.And and) {
            if (and.parts().isEmpty()) {
                return all();
            }
            Set<String> out = null;
            for (Criteria p : and.parts()) {
                Set<String> ids = candidates(p);
                if (out == null) {
                    out = ids;
                } else {
                    out.retainAll(ids);
                }
            }
            return out;
        }
        if (c instanceof Criteria.Or or) {
            Set<String> out = new LinkedHashSet<>();
            for (Criteria p : or.parts()) {
                out.addAll(candidates(p));
            }
            return out;
        }
        if (c instanceof Criteria.Not not) {
            Set<String> out = all();
            out.removeAll(exactIds(not.part()));
            return out;
        }
        return leaf(c);
    }

    /** Exact ids for a criterion that is negated: candidates, checked against their documents. */
    private Set<String> exactIds(Criteria c) {
        Set<String> ids = candidates(c);
        Predicate<Map<String, Object>> exact = DocumentQueries.compile(model, c, null);
        List<String> order = new ArrayList<>(ids);
        List<String> keys = new ArrayList<>(order.size());
        for (String id : order) {
            keys.add(entityPrefix + id);
        }
        List<String> texts = mget(keys);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            if (texts.get(i) != null && exact.test(document(texts.get(i)))) {
                out.add(order.get(i));
            }
        }
        return out;
    }

    private PropertyModel indexed(String field, String op) {
        PropertyPath path = model.path(field);
        if (!path.isTopLevel()) {
            throw new UnsupportedQueryException(model.name() + "." + field + ": Redis stores answer " + op
                    + " only on top-level @Indexed fields, not on nested paths; lift the field to the top level and index it, "
                    + "or route " + model.type().getSimpleName() + " to a document or relational store");
        }
        PropertyModel p = path.root();
        if (!p.isIndexed() || !IndexEntries.indexable(p)) {
            throw new UnsupportedQueryException(model.name() + "." + field + ": Redis stores answer queries only on fields "
                    + "annotated @Indexed" + (p.isIndexed() ? " whose values are text, numbers, booleans or times" : "")
                    + "; add @io.polystore.annotation.Indexed to " + model.type().getSimpleName() + "." + field
                    + " (existing entities are indexed when next saved)");
        }
        return p;
    }

    /**
     * The ids a criterion on the id itself selects, when the id has no index of its own: every id is
     * known (the id set, or the keys), so they are compared in Java, without reading a document.
     *
     * @return the ids, or null when the criterion is not on an unindexed id
     */
    private Set<String> idLeaf(Criteria c) {
        String field = c instanceof Criteria.Compare cmp ? cmp.field() : c instanceof Criteria.In in ? in.field()
                : c instanceof Criteria.StartsWith sw ? sw.field() : c instanceof Criteria.IsNull n ? n.field() : null;
        if (field == null || !field.equals(model.id().name()) || (model.id().isIndexed() && IndexEntries.indexable(model.id()))) {
            return null;
        }
        Predicate<Map<String, Object>> test = DocumentQueries.compile(model, c, null);
        Set<String> out = new LinkedHashSet<>();
        for (String id : all()) {
            Object stored = model.idKind() == EntityModel.IdKind.LONG ? (Object) Long.parseLong(id) : id;
            if (test.test(Map.of(field, stored))) {
                out.add(id);
            }
        }
        return out;
    }

    // criteria reach here checked: candidatesOf compiles them (with every refusal of the reference) first
    private Set<String> leaf(Criteria c) {
        Set<String> byId = idLeaf(c);
        if (byId != null) {
            return byId;
        }
        if (c instanceof Criteria.Compare cmp) {
            PropertyModel p = indexed(cmp.field(), "comparisons");
            PropertyPath path = model.path(cmp.field());
            Object operand = model.storedOperand(path, path.leafType(), cmp.value());
            return switch (cmp.op()) {
                case EQ -> range(p, operand, true, operand, true);
                case NE -> {
                    Set<String> out = all();
                    out.removeAll(exactIds(new Criteria.Compare(cmp.field(), Criteria.Op.EQ, cmp.value())));
                    yield out;
                }
                case LT -> range(p, null, true, operand, false);
                case LE -> range(p, null, true, operand, true);
                case GT -> range(p, operand, false, null, true);
                case GE -> range(p, operand, true, null, true);
            };
        }
        if (c instanceof Criteria.In in) {
            PropertyModel p = indexed(in.field(), "in");
            PropertyPath path = model.path(in.field());
            Set<String> out = new LinkedHashSet<>();
            for (Object v : in.values()) {
                Object operand = model.storedOperand(path, path.leafType(), v);
                out.addAll(range(p, operand, true, operand, true));
            }
            return out;
        }
        if (c instanceof Criteria.StartsWith s) {
            PropertyModel p = indexed(s.field(), "startsWith");
            String key = IndexEntries.textKey(base, p.name());
            return ids(store.ops.zrangeByLex(key, "[" + s.prefix(), "[" + s.prefix() + MAX_TEXT));
        }
        if (c instanceof Criteria.IsNull n) {
            PropertyModel p = indexed(n.field(), "isNull");
            return new LinkedHashSet<>(store.ops.smembers(IndexEntries.nullKey(base, p.name())));
        }
        if (c instanceof Criteria.Contains ct) {
            PropertyModel p = indexed(ct.field(), "contains");
            PropertyPath path = model.path(ct.field());
            Object operand = model.storedOperand(path, path.elementType(), ct.value());
            return range(p, operand, true, operand, true);
        }
        if (c instanceof Criteria.Related r) {
            throw Lowered.unsupported(model, r); // no graph here
        }
        throw new UnsupportedQueryException(model.name() + ": unsupported criterion " + c);
    }

    /** Ids whose indexed value lies between two stored values (null = unbounded). */
    private Set<String> range(PropertyModel p, Object low, boolean lowIncluded, Object high, boolean highIncluded) {
        ValueKind kind = p.kind() == ValueKind.LIST ? p.elementKind() : p.kind();
        if (IndexEntries.isText(kind)) {
            // member = value \0 id: [v\0 .. (v\1 is "value == v"; see IndexEntries. An exclusive low end starts at
            // v\0 too: a value that continues v with NUL ("v\0x", greater than v) has a member below v\1; the
            // equal values it lets in are removed by the exact check
            String min = low == null ? "-" : "[" + low + "\0";
            String max = "+";
            if (high != null) {
                String h = high.toString();
                int nul = h.indexOf('\0');
                // a high end holding NUL: past it, a member's id would be compared with the rest of the bound
                // (value "a", member "a\0{id}", against "a\0xyz"), so take every value up to the part before
                // the NUL (a superset; the exact check removes the values above the bound)
                max = nul >= 0 ? "(" + h.substring(0, nul) + "\u0001" : "(" + h + (highIncluded ? "\u0001" : "\0");
            }
            return ids(store.ops.zrangeByLex(IndexEntries.textKey(base, p.name()), min, max));
        }
        // scores may round: inclusive bounds, exact comparison on the documents afterwards
        double min = low == null ? Double.NEGATIVE_INFINITY : IndexEntries.score(kind, low);
        double max = high == null ? Double.POSITIVE_INFINITY : IndexEntries.score(kind, high);
        return new LinkedHashSet<>(store.ops.zrangeByScore(IndexEntries.numberKey(base, p.name()), min, max));
    }

    private static Set<String> ids(List<String> members) {
        Set<String> out = new LinkedHashSet<>();
        for (String m : members) {
            out.add(m.substring(m.lastIndexOf('\0') + 1));
        }
        return out;
    }

    // ---- index maintenance ------------------------------------------------------------------

    /** One index entry: a sorted-set member with its score, or a set member (score null). */
    private record Entry(String key, String member, Double score) {
        String id() {
            return member.substring(member.lastIndexOf('\0') + 1);
        }
    }

    private static Set<Entry> entries(List<List<Object>> raw) {
        Set<Entry> out = new HashSet<>();
        for (List<Object> e : raw) {
            if ("z".equals(e.get(0))) {
                out.add(new Entry((String) e.get(1), (String) e.get(3), Double.parseDouble((String) e.get(2))));
            } else {
                out.add(new Entry((String) e.get(1), (String) e.get(2), null));
            }
        }
        return out;
    }

    /** Compares the index structures with the stored documents, and repairs them when asked. */
    io.polystore.IndexMaintenance.Report verify(boolean repair) {
        purge();
        Set<String> listed = all();
        // entities the id set does not list: saved while the type kept none (id-set=false, or before
        // it had indexes, a version or an expiry); they count as missing entries and a repair lists them
        Set<String> unlisted = new LinkedHashSet<>();
        if (!setOnly) {
            for (String k : entityKeys()) {
                String id = k.substring(entityPrefix.length());
                if (!listed.contains(id)) {
                    unlisted.add(id);
                }
            }
        }
        List<String> ids = new ArrayList<>(listed);
        ids.addAll(unlisted);
        List<String> keys = new ArrayList<>(ids.size());
        for (String id : ids) {
            keys.add(entityPrefix + id);
        }
        List<String> texts = mget(keys);
        Set<Entry> expected = new HashSet<>();
        Map<String, String> jsonById = new LinkedHashMap<>();
        Map<String, String> entriesById = new LinkedHashMap<>();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                gone.add(ids.get(i));
                continue;
            }
            List<List<Object>> raw = IndexEntries.of(model, base, ids.get(i), document(text));
            expected.addAll(entries(raw));
            jsonById.put(ids.get(i), text);
            entriesById.put(ids.get(i), write(raw));
        }
        Set<Entry> actual = new HashSet<>();
        for (PropertyModel p : model.indexed()) {
            if (!IndexEntries.indexable(p)) {
                continue;
            }
            for (String key : List.of(IndexEntries.textKey(base, p.name()), IndexEntries.numberKey(base, p.name()))) {
                for (Map.Entry<String, Double> v : store.ops.zrangeWithScores(key)) {
                    actual.add(new Entry(key, v.getKey(), v.getValue()));
                }
            }
            String nulls = IndexEntries.nullKey(base, p.name());
            for (String id : store.ops.smembers(nulls)) {
                actual.add(new Entry(nulls, id, null));
            }
        }
        Set<Entry> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        Set<Entry> stale = new HashSet<>(actual);
        stale.removeAll(expected);
        long staleCount = stale.size() + gone.size();
        unlisted.retainAll(jsonById.keySet()); // an unlisted entity that expired meanwhile is nothing to list
        long missingCount = missing.size() + unlisted.size();
        boolean drift = missingCount > 0 || staleCount > 0;
        if (repair && drift) {
            Set<String> reindex = new LinkedHashSet<>(unlisted);
            for (Entry e : missing) {
                reindex.add(e.id());
            }
            for (Entry e : stale) {
                if (jsonById.containsKey(e.id())) {
                    reindex.add(e.id());
                }
                if (e.score() == null) {
                    store.ops.srem(e.key(), e.member());
                } else {
                    store.ops.zrem(e.key(), e.member());
                }
            }
            for (String id : reindex) {
                store.ops.evalLong(Scripts.REINDEX, new String[]{entityPrefix + id}, base, id, jsonById.get(id), entriesById.get(id));
            }
            deleteIds(gone);
        }
        return new io.polystore.IndexMaintenance.Report(model.name(), jsonById.size(), missingCount, staleCount,
                repair && drift);
    }

    @Override
    public String toString() {
        return "RedisRepository[" + model.name() + " in " + store.name() + "]";
    }
}
