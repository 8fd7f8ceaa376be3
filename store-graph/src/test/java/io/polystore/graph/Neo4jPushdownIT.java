package io.polystore.graph;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Queries Cypher can answer whole (criteria it matches exactly, sorts on copied whole numbers and
 * booleans) run with ORDER BY and LIMIT in Neo4j and read only the documents they return; the
 * answers are those of the in-memory store, paged, streamed and counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Neo4jPushdownIT {
    record Score(@Id String id, @Indexed Long points, @Indexed Boolean active, @Indexed String team, String note) {
    }

    private Polystore polystore;
    private Polystore mem;
    private Repository<Score, String> scores;
    private Repository<Score, String> reference;

    @BeforeAll
    void open() {
        polystore = Polystore.builder().store("g", Neo4jTestServer.url(), Map.of("label-prefix", "Pushdown_")).build();
        mem = Polystore.builder().store("m", "mem:").build();
        scores = polystore.repository(Score.class);
        reference = mem.repository(Score.class);
    }

    @AfterAll
    void close() {
        polystore.close();
        mem.close();
    }

    @BeforeEach
    void fill() {
        scores.deleteAll();
        reference.deleteAll();
        Random random = new Random(42);
        // ids that order differently by UTF-16 unit and by code point, and by text and by number
        List<String> ids = new ArrayList<>(List.of("", "a", "b", "\uFFFF", "\uD83D\uDE00", "\uE000", "10", "9", "Z", "é"));
        for (int i = 0; i < 150; i++) {
            ids.add("id-" + random.nextInt(100_000) + (random.nextBoolean() ? "\uD83D\uDE01" : ""));
        }
        List<Score> all = new ArrayList<>();
        for (String id : ids.stream().distinct().toList()) {
            Long points = random.nextInt(6) == 0 ? null : (long) random.nextInt(20) - 10;
            Boolean active = random.nextInt(5) == 0 ? null : random.nextBoolean();
            all.add(new Score(id, points, active, random.nextBoolean() ? "red" : "blue", "n" + random.nextInt(9)));
        }
        scores.saveAll(all);
        reference.saveAll(all);
    }

    private static List<String> ids(List<Score> s) {
        return s.stream().map(Score::id).collect(Collectors.toList());
    }

    /** Pages a query to its end with its cursor token, as a web app does. */
    private static List<String> paged(Repository<Score, String> repo, Query q) {
        List<String> out = new ArrayList<>();
        Page<Score> page = repo.find(q);
        out.addAll(ids(page.content()));
        while (page.hasNext()) {
            page = repo.find(q.after(Cursor.decode(page.next().orElseThrow().encode())));
            out.addAll(ids(page.content()));
        }
        return out;
    }

    @Test
    void pushedDownQueriesAnswerAsTheInMemoryStore() {
        List<Query> queries = List.of(
                Query.all().orderBy(Sort.asc("points")).limit(7),
                Query.all().orderBy(Sort.desc("points"), Sort.asc("active")).limit(5),
                Query.all().limit(9),
                Query.where(Criteria.eq("team", "red")).orderBy(Sort.desc("active"), Sort.desc("points")).limit(4),
                Query.where(Criteria.or(Criteria.ge("points", 3L), Criteria.isNull("points"))).orderBy(Sort.asc("points")).limit(6),
                Query.where(Criteria.and(Criteria.ne("active", true), Criteria.in("team", List.of("blue")))).limit(3),
                Query.where(Criteria.lt("points", 0L)).orderBy(Sort.desc("points")).limit(1),
                // the id: ranges and order by code point, as YCSB's scans ask
                Query.where(Criteria.ge("id", "id-5")).orderBy(Sort.asc("id")).limit(10),
                Query.where(Criteria.lt("id", "\uFFFF")).orderBy(Sort.desc("id")).limit(7),
                Query.where(Criteria.in("id", List.of("a", "\uD83D\uDE00", "nope"))).limit(2),
                Query.all().orderBy(Sort.desc("active"), Sort.asc("id")).limit(11));
        for (Query q : queries) {
            assertThat(paged(scores, q)).as(q.toString()).isEqualTo(paged(reference, q));
            assertThat(ids(scores.stream(q).toList())).as("stream " + q).isEqualTo(ids(reference.stream(q).toList()));
            assertThat(scores.count(q)).as("count " + q).isEqualTo(reference.count(q));
        }
    }

    @Test
    void queriesCypherCannotAnswerWholeStillAnswerAsTheInMemoryStore() {
        List<Query> queries = List.of(
                Query.all().orderBy(Sort.asc("team"), Sort.desc("points")).limit(8),            // text sort
                Query.where(Criteria.startsWith("team", "r")).orderBy(Sort.asc("points")).limit(5), // superset
                Query.where(Criteria.eq("note", "n3")).orderBy(Sort.asc("points")).limit(2),       // unindexed
                Query.where(Criteria.not(Criteria.eq("team", "red"))).limit(4));
        for (Query q : queries) {
            assertThat(paged(scores, q)).as(q.toString()).isEqualTo(paged(reference, q));
            assertThat(ids(scores.stream(q).toList())).as("stream " + q).isEqualTo(ids(reference.stream(q).toList()));
            assertThat(scores.count(q)).as("count " + q).isEqualTo(reference.count(q));
        }
    }

    @Test
    void idsThatUtf16AndCodePointsOrderDifferentlyAreOrderedByCodePoint() {
        scores.deleteAll();
        reference.deleteAll();
        // one sort-key value for all: the id decides, and UTF-16 would put U+1F600 before U+E000
        List<Score> tied = List.of(new Score("\uE000", 1L, true, "red", ""), new Score("\uD83D\uDE00", 1L, true, "red", ""),
                new Score("\uFFFF", 1L, true, "red", ""), new Score("a", 1L, true, "red", ""),
                new Score("\uD83D\uDE00x", 1L, true, "red", ""));
        scores.saveAll(tied);
        reference.saveAll(tied);
        for (Query q : List.of(Query.all().orderBy(Sort.asc("points")).limit(1), Query.all().limit(2),
                Query.all().orderBy(Sort.desc("id")).limit(2), Query.where(Criteria.gt("id", "\uFFFF")).limit(1),
                Query.where(Criteria.le("id", "\uFFFF")).orderBy(Sort.desc("id")).limit(3))) {
            assertThat(paged(scores, q)).as(q.toString()).isEqualTo(paged(reference, q));
        }
    }

    @Test
    void nodesStoredBeforeIdKeysGetThemWhenTheTypeIsFirstUsed() {
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            s.run("MATCH (n:Legacy_Score) DETACH DELETE n").consume();
            for (String id : List.of("b", "\uD83D\uDE00", "\uE000")) {
                s.run("CREATE (n:Legacy_Score {_id: $id, points: 1, _doc: $doc})", Map.of("id", id,
                        "doc", "{\"id\":\"" + id + "\",\"points\":1,\"active\":true,\"team\":\"red\",\"note\":\"\"}"))
                        .consume();
            }
        }
        try (Polystore legacy = Polystore.builder().store("g", Neo4jTestServer.url(), Map.of("label-prefix", "Legacy_")).build()) {
            Repository<Score, String> old = legacy.repository(Score.class);
            assertThat(ids(old.find(Query.all().orderBy(Sort.asc("points")).limit(3)).content()))
                    .containsExactly("b", "\uE000", "\uD83D\uDE00");
            assertThat(ids(old.find(Query.where(Criteria.gt("id", "\uE000")).limit(5)).content()))
                    .containsExactly("\uD83D\uDE00");
            old.deleteAll();
        }
    }

    @Test
    void aLimitedQueryReadsOnlyTheDocumentsItReturns() {
        // a node whose document cannot be read, last in the query's order: a query that reads every
        // candidate fails on it; one that Neo4j orders and limits never reads it
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            s.run("CREATE (n:Pushdown_Score {_id: 'zzz-unreadable', _key: 'ff', points: 1000, _doc: 'not a document'})").consume();
        }
        try {
            assertThat(scores.find(Query.all().orderBy(Sort.asc("points")).limit(20)).content()).hasSize(20);
            assertThat(scores.count(Query.where(Criteria.ge("points", 0L)))).isEqualTo(reference.count(
                    Query.where(Criteria.ge("points", 0L))) + 1);
            assertThatThrownBy(() -> scores.find(Query.all().orderBy(Sort.asc("team")).limit(20)))
                    .as("the unreadable node is a candidate of a query Cypher cannot order").isInstanceOf(RuntimeException.class);
        } finally {
            try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
                s.run("MATCH (n:Pushdown_Score {_id: 'zzz-unreadable'}) DELETE n").consume();
            }
        }
    }
}
