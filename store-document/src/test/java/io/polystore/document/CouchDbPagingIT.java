package io.polystore.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queries whose order is id order or one {@code @Indexed} field page by order keys: each page reads
 * about what it shows instead of every candidate, in the API's order (code points, numbers whatever
 * their scale, nulls first), with the same pages and cursors as the in-memory store. A relay in
 * front of the server counts the rows each request read.
 */
class CouchDbPagingIT {
    record Item(@Id String id, @Indexed String name, @Indexed Long rank, @Indexed BigDecimal price, String other) {
    }

    record Numbered(@Id Long id, String v) {
    }

    /** The same database as {@link Item} when opened, but with a field indexed that Item does not index. */
    @Entity("Item")
    record ItemWithOther(@Id String id, @Indexed String name, @Indexed Long rank, @Indexed BigDecimal price, @Indexed String other) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RecordingRelay relay;
    private static String server;

    private String prefix;
    private Polystore couch;
    private Polystore mem;

    @BeforeAll
    static void startRelay() throws Exception {
        server = TestServers.couchDbUrl().replaceFirst("^couchdb", "http");
        relay = new RecordingRelay(server, seen -> false);
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @BeforeEach
    void open() {
        prefix = "paging_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        couch = open(Map.of("batch-size", "100"));
        mem = Polystore.builder().store("mem", "mem:").defaultStore("mem").build();
    }

    private Polystore open(Map<String, String> extra) {
        Map<String, String> options = new java.util.HashMap<>(CouchDbConformanceIT.CouchDbStores.options());
        options.putAll(extra);
        return Polystore.builder().store("couch", "couchdb://127.0.0.1:" + relay.port() + "/" + prefix, options)
                .defaultStore("couch").build();
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        couch.close();
        mem.close();
    }

    private static List<Item> items(int n, long seed, Function<Random, String> names) {
        Random r = new Random(seed);
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = r.nextInt(10) == 0 ? null : names.apply(r);
            Long rank = r.nextInt(10) == 0 ? null : (long) r.nextInt(200) - 100;
            BigDecimal price = r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextInt(2000) - 1000, 2).setScale(2 + r.nextInt(2));
            out.add(new Item(names.apply(r) + "-" + i, name, rank, price, "o" + r.nextInt(5)));
        }
        return out;
    }

    private static String word(Random r) {
        String[] parts = {"a", "B", "b", "é", "e\u0301", "\uD83D\uDE00", "Z", "z", "10", "9", "'; DROP", "{$gt}", " "};
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    /** The same items saved on CouchDB and on mem:, the reference. */
    private record Loaded(List<Item> all, Repository<Item, String> items, Repository<Item, String> reference) {
    }

    private Loaded load(List<Item> all) {
        Loaded l = new Loaded(all, couch.repository(Item.class), mem.repository(Item.class));
        l.items().saveAll(all);
        l.reference().saveAll(all);
        return l;
    }

    /** Reads every page of a query on both stores; @return the pages' ids, after checking they are the same. */
    private <T, ID> List<List<Object>> pages(Repository<T, ID> subject, Repository<T, ID> reference, Query query,
                                             Function<T, Object> id) {
        List<List<Object>> seen = new ArrayList<>();
        Cursor cursor = null;
        for (int guard = 0; guard < 10_000; guard++) {
            Query q = cursor == null ? query : query.after(cursor);
            Page<T> a = subject.find(q);
            Page<T> b = reference.find(q);
            assertThat(a.content()).as("page %d of %s", seen.size(), query).isEqualTo(b.content());
            assertThat(a.next()).as("cursor after page %d of %s", seen.size(), query).isEqualTo(b.next());
            seen.add(a.content().stream().map(id).toList());
            if (a.next().isEmpty()) {
                return seen;
            }
            cursor = a.next().get();
        }
        throw new AssertionError("paging did not end: " + query);
    }

    /** @return rows the server handed out to {@code _find} requests since the relay was cleared */
    private static long rowsRead() throws Exception {
        long rows = 0;
        for (RecordingRelay.Seen s : relay.seen()) {
            if (s.path().endsWith("/_find")) {
                rows += JSON.readTree(s.answer()).path("docs").size();
            }
        }
        return rows;
    }

    @Test
    void pagesInTheApiOrderReadAboutWhatTheyShow() throws Exception {
        Loaded l = load(items(500, 1, CouchDbPagingIT::word));
        List<Query> queries = List.of(
                Query.all().limit(25),
                Query.all().orderBy(Sort.asc("name")).limit(25),
                Query.all().orderBy(Sort.desc("name")).limit(40),
                Query.all().orderBy(Sort.asc("rank")).limit(30),
                Query.all().orderBy(Sort.desc("price")).limit(30),
                Query.all().orderBy(Sort.asc("id")).limit(50));
        for (Query q : queries) {
            relay.clear();
            List<List<Object>> pages = pages(l.items(), l.reference(), q, Item::id);
            long shown = pages.stream().mapToLong(List::size).sum();
            assertThat(shown).isEqualTo(l.all().size());
            // each page reads its rows, the next one's first (to know there is a next page) and the cursor's row:
            // a few per page, where reading every candidate would read the whole type for every page
            assertThat(rowsRead()).as("rows read for %d pages of %s", pages.size(), q).isLessThanOrEqualTo(shown + 3L * pages.size());
            assertThat(relay.seen()).filteredOn(s -> s.path().endsWith("/_find"))
                    .allSatisfy(s -> assertThat(JSON.readTree(s.body()).path("limit").asInt()).isBetween(2, 100));
        }
    }

    @Test
    void sortsWhoseFirstKeyIsIndexedReadTiesWholeAndOrderThemByTheRest() throws Exception {
        Loaded l = load(items(500, 5, CouchDbPagingIT::word));
        Map<String, Function<Item, Object>> fields = Map.of("name", Item::name, "rank", Item::rank,
                "price", i -> i.price() == null ? null : i.price().stripTrailingZeros(), "id", Item::id);
        List<Query> queries = List.of(
                Query.all().orderBy(Sort.asc("rank"), Sort.desc("other")).limit(25),
                Query.all().orderBy(Sort.desc("rank"), Sort.asc("name"), Sort.desc("other")).limit(30),
                Query.all().orderBy(Sort.asc("name"), Sort.desc("price")).limit(40),
                Query.all().orderBy(Sort.desc("price"), Sort.asc("other")).limit(20),
                Query.all().orderBy(Sort.asc("id"), Sort.desc("rank")).limit(50),
                Query.where(Criteria.ge("rank", 0L)).orderBy(Sort.asc("rank"), Sort.asc("other")).limit(15));
        for (Query q : queries) {
            String first = q.sort().get(0).field();
            Map<Object, Long> ties = l.all().stream().collect(java.util.stream.Collectors.groupingBy(
                    i -> java.util.Optional.ofNullable(fields.get(first).apply(i)), java.util.stream.Collectors.counting()));
            long largest = ties.values().stream().mapToLong(Long::longValue).max().orElse(1);
            relay.clear();
            List<List<Object>> pages = pages(l.items(), l.reference(), q, Item::id);
            long shown = pages.stream().mapToLong(List::size).sum();
            // each page reads its rows, the ties of its last and first values (read whole, ordered by the rest in
            // Java), and a few more; reading every candidate would read 500 rows a page
            assertThat(rowsRead()).as("rows read for %d pages of %s (largest tie %d)", pages.size(), q, largest)
                    .isLessThanOrEqualTo(shown + pages.size() * (3 + 2 * largest));
        }
    }

    @Test
    void criteriaNarrowTheOrderedReadAndAreCheckedExactly() {
        Loaded l = load(items(300, 2, CouchDbPagingIT::word));
        for (Criteria c : List.of(Criteria.gt("rank", 10L), Criteria.eq("other", "o3"), Criteria.startsWith("name", "a"),
                Criteria.or(Criteria.isNull("price"), Criteria.lt("price", new BigDecimal("-5.5"))),
                Criteria.not(Criteria.eq("other", "o1")))) {
            for (Sort s : List.of(Sort.asc("name"), Sort.desc("rank"), Sort.asc("price"))) {
                pages(l.items(), l.reference(), Query.where(c).orderBy(s).limit(29), Item::id);
            }
            pages(l.items(), l.reference(), Query.where(c).limit(41), Item::id);
            assertThat(l.items().stream(Query.where(c).orderBy(Sort.asc("price"))).toList())
                    .isEqualTo(l.reference().stream(Query.where(c).orderBy(Sort.asc("price"))).toList());
        }
    }

    @Test
    void rangesOnTheSortFieldStartAndEndTheRead() throws Exception {
        Loaded l = load(items(500, 4, CouchDbPagingIT::word));
        List<String> ids = l.all().stream().map(Item::id).sorted(io.polystore.mapping.Values.CODE_POINT_ORDER).toList();
        String middle = ids.get(ids.size() / 2);
        List<Query> queries = List.of(
                Query.where(Criteria.ge("id", middle)).limit(10),
                Query.where(Criteria.gt("id", middle)).orderBy(Sort.asc("id")).limit(10),
                Query.where(Criteria.and(Criteria.gt("id", ids.get(100)), Criteria.le("id", ids.get(160)))).limit(16),
                Query.where(Criteria.lt("id", ids.get(30))).limit(8),
                Query.where(Criteria.ge("rank", 90L)).orderBy(Sort.asc("rank")).limit(6),
                Query.where(Criteria.lt("rank", -90L)).orderBy(Sort.asc("rank")).limit(6),
                Query.where(Criteria.and(Criteria.ge("rank", -3L), Criteria.le("rank", 3L))).orderBy(Sort.desc("rank")).limit(5),
                Query.where(Criteria.eq("rank", 7L)).orderBy(Sort.asc("rank")).limit(2),
                Query.where(Criteria.gt("price", new BigDecimal("9.000"))).orderBy(Sort.desc("price")).limit(7),
                Query.where(Criteria.le("price", new BigDecimal("-9.5"))).orderBy(Sort.desc("price")).limit(7),
                Query.where(Criteria.and(Criteria.ge("name", "b"), Criteria.lt("name", "e"))).orderBy(Sort.asc("name")).limit(9),
                Query.where(Criteria.and(Criteria.ge("name", "b"), Criteria.eq("other", "o2"))).orderBy(Sort.desc("name")).limit(9));
        for (Query q : queries) {
            relay.clear();
            List<List<Object>> pages = pages(l.items(), l.reference(), q, Item::id);
            long shown = pages.stream().mapToLong(List::size).sum();
            // the range's first key starts the read and its last ends it: each page reads its rows, the next
            // one's first, the cursor's row, and ties of a bound read as inclusive; without the bounds the
            // read filters the index from its start (ge id: 250 rows for the first page alone)
            long ties = q.criteria().toString().contains("other") ? shown * 4 + 20 : 0; // other=o2 drops ~4 in 5 rows
            assertThat(rowsRead()).as("rows read for %d pages (%d rows) of %s", pages.size(), shown, q)
                    .isLessThanOrEqualTo(shown + 3L * pages.size() + 3 + ties);
        }
        // counts, and orders not read by order key, read only the range's candidates
        for (Criteria c : List.of(Criteria.and(Criteria.gt("id", ids.get(100)), Criteria.le("id", ids.get(160))),
                Criteria.and(Criteria.ge("rank", -3L), Criteria.le("rank", 3L)), Criteria.lt("price", new BigDecimal("-9.5")))) {
            relay.clear();
            long count = l.items().count(Query.where(c));
            assertThat(count).as("count of %s", c).isEqualTo(l.reference().count(Query.where(c)));
            assertThat(rowsRead()).as("rows read to count %s", c).isLessThanOrEqualTo(count + 1);
            relay.clear();
            List<Item> sorted = l.items().stream(Query.where(c).orderBy(Sort.desc("other"))).toList();
            assertThat(sorted).isEqualTo(l.reference().stream(Query.where(c).orderBy(Sort.desc("other"))).toList());
            assertThat(rowsRead()).as("rows read for %s by a field without an index", c).isLessThanOrEqualTo(count + 1);
            pages(l.items(), l.reference(), Query.where(c).orderBy(Sort.asc("other"), Sort.desc("name")).limit(5), Item::id);
        }
        // the first page of a range that starts in the middle of the type reads about the page
        relay.clear();
        assertThat(l.items().find(Query.where(Criteria.ge("id", middle)).limit(10)).content()).hasSize(10);
        assertThat(rowsRead()).isLessThanOrEqualTo(12);
    }

    @Test
    void wholeNumberIdsPageNumericallyAndAStreamReadsLazily() throws Exception {
        Repository<Numbered, Long> numbered = couch.repository(Numbered.class);
        Repository<Numbered, Long> reference = mem.repository(Numbered.class);
        List<Numbered> all = new ArrayList<>();
        for (long i = -150; i < 850; i++) {
            all.add(new Numbered(i * 7 + 3, "v" + i)); // in text order "-4" < "-67" < "10" < "3": not numeric (0 would be generated)
        }
        numbered.saveAll(all);
        reference.saveAll(all);
        pages(numbered, reference, Query.all().limit(64), Numbered::id);
        relay.clear();
        assertThat(numbered.stream(Query.all()).limit(10).map(Numbered::id).toList())
                .containsExactly(-1047L, -1040L, -1033L, -1026L, -1019L, -1012L, -1005L, -998L, -991L, -984L);
        assertThat(rowsRead()).as("a stream that is read for ten rows reads its first page of batch-size 100").isLessThanOrEqualTo(101);
        assertThat(numbered.stream(Query.all()).map(Numbered::id).toList())
                .isEqualTo(all.stream().map(Numbered::id).sorted().toList());
    }

    @Test
    void longValuesSharingAPrefixStillPageInTheirOrder() {
        // order keys are cut after a few dozen code points: values that share a long prefix tie on
        // their key and are ordered by the reader, across the batches that read them
        String prefix = "\uD83D\uDE00".repeat(80);
        Loaded l = load(items(150, 3, r -> prefix + word(r)));
        for (Query q : List.of(Query.all().limit(7), Query.all().orderBy(Sort.asc("name")).limit(9),
                Query.all().orderBy(Sort.desc("name")).limit(11), Query.where(Criteria.gt("rank", 0L)).orderBy(Sort.asc("name")).limit(5))) {
            pages(l.items(), l.reference(), q, Item::id);
        }
    }

    private static HttpResponse<String> raw(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void documentsWithoutOrderKeysGetThemWhenTheStoreOpens() throws Exception {
        // a database as an earlier version wrote it: documents with no order keys, no layout marker
        assertThat(raw("PUT", "/" + prefix + "item", null).statusCode()).isIn(201, 202);
        List<Item> all = items(150, 4, CouchDbPagingIT::word);
        StringBuilder docs = new StringBuilder("{\"docs\":[");
        for (Item i : all) {
            docs.append(docs.length() > 9 ? "," : "").append("{\"_id\":").append(JSON.writeValueAsString("e:" + i.id()))
                    .append(",\"src\":").append(JSON.writeValueAsString(JSON.writeValueAsString(i)))
                    .append(",\"doc\":").append(JSON.writeValueAsString(i)).append('}');
        }
        assertThat(raw("POST", "/" + prefix + "item/_bulk_docs", docs.append("]}").toString()).statusCode()).isEqualTo(201);
        couch.close();
        // with schema: none the store does not change a database, and reads every candidate
        couch = open(Map.of("schema", "none"));
        Repository<Item, String> reference = mem.repository(Item.class);
        reference.saveAll(all);
        pages(couch.repository(Item.class), reference, Query.all().orderBy(Sort.asc("price")).limit(20), Item::id);
        assertThat(raw("GET", "/" + prefix + "item/_local/polystore-order-keys", null).statusCode()).isEqualTo(404);
        couch.close();
        // schema: create (the default) adds the keys and records it
        couch = open(Map.of());
        pages(couch.repository(Item.class), reference, Query.all().orderBy(Sort.asc("price")).limit(20), Item::id);
        JsonNode marker = JSON.readTree(raw("GET", "/" + prefix + "item/_local/polystore-order-keys", null).body());
        assertThat(marker.path("keys").toString()).contains("\"i\"", "\"a.price\"", "\"d.name\"");
        JsonNode stored = JSON.readTree(raw("GET", "/" + prefix + "item/e:" + java.net.URLEncoder.encode(all.get(0).id(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"), null).body());
        assertThat(stored.path("ord").path("a").has("rank")).isTrue();
        // a field indexed later: its keys are added when a mapping that indexes it opens the database
        couch.close();
        couch = open(Map.of());
        Repository<ItemWithOther, String> withOther = couch.repository(ItemWithOther.class);
        Polystore otherMem = Polystore.builder().store("mem", "mem:").defaultStore("mem").build();
        Repository<ItemWithOther, String> otherReference = otherMem.repository(ItemWithOther.class);
        otherReference.saveAll(all.stream().map(i -> new ItemWithOther(i.id(), i.name(), i.rank(), i.price(), i.other()))
                .collect(Collectors.toList()));
        relay.clear();
        pages(withOther, otherReference, Query.all().orderBy(Sort.desc("other")).limit(30), ItemWithOther::id);
        assertThat(relay.seen()).filteredOn(s -> s.path().endsWith("/_find"))
                .anySatisfy(s -> assertThat(s.body()).contains("ord.d.other"));
        otherMem.close();
    }
}
