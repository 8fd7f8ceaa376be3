package io.polystore.graph;

import io.polystore.ConfigurationException;
import io.polystore.EntityRef;
import io.polystore.GraphOperations;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreUnavailableException;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Criteria;
import io.polystore.query.Criteria.Direction;
import io.polystore.query.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the conformance suite does not cover: names, relationships across stores, layout, long indexed text, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Neo4jBehaviourIT {
    record User(@Id String id, @Indexed String name, @Indexed int age) {
    }

    /** A type first used inside a transaction. */
    record Latecomer(@Id String id, @Indexed String name) {
    }

    private Polystore polystore;
    private Repository<User, String> users;
    private GraphOperations graph;

    @BeforeAll
    void open() {
        polystore = Polystore.builder().store("g", Neo4jTestServer.url(), Map.of("label-prefix", "Behaviour_")).build();
        users = polystore.repository(User.class);
        graph = polystore.store("g").capability(GraphOperations.class);
    }

    @BeforeEach
    void empty() {
        users.deleteAll();
    }

    @AfterAll
    void close() {
        polystore.close();
    }

    @Test
    void hostileRelationshipTypesAndEntityNamesAreData() {
        EntityRef a = new EntityRef("Odd`Label'; MATCH (n) DETACH DELETE n //", "a`b");
        EntityRef b = new EntityRef("Odd`Label'; MATCH (n) DETACH DELETE n //", "{$x}");
        String type = "KNOWS`]->() DETACH DELETE n //";
        users.save(new User("survivor", "s", 1));
        graph.relate(a, type, b);
        assertThat(graph.neighbours(a, type, Direction.OUTGOING, 1)).containsExactly(b);
        assertThat(graph.shortestPath(a, b, type, Direction.OUTGOING, 3)).contains(List.of(a, b));
        assertThat(users.existsById("survivor")).as("no query text was spliced").isTrue();
        assertThat(graph.unrelate(a, type, b)).isTrue();
        assertThat(graph.neighbours(a, type, Direction.BOTH, 2)).isEmpty();
        assertThatThrownBy(() -> graph.relate(a, "", b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relationship type");
    }

    @Test
    void relationshipsOutliveTheEntityAndPointIntoOtherStores() {
        users.save(new User("u1", "Ada", 36));
        EntityRef u1 = EntityRef.of(User.class, "u1");
        EntityRef article = new EntityRef("Article", "kept-in-couchbase");
        graph.relate(u1, "WROTE", article);
        assertThat(users.count()).as("a node that only takes part in relationships is no entity").isEqualTo(1);
        assertThat(users.deleteById("u1")).isTrue();
        assertThat(users.existsById("u1")).isFalse();
        assertThat(graph.neighbours(u1, "WROTE", Direction.OUTGOING, 1)).containsExactly(article);
        assertThat(graph.unrelate(u1, "WROTE", article)).isTrue();
        assertThat(nodes("Behaviour_User", "u1")).as("a node with nothing left goes").isZero();
        assertThat(nodes("Behaviour_Article", "kept-in-couchbase")).isZero();
    }

    @Test
    void aRepositoryFirstUsedInATransactionMakesItsSchemaAtItsFirstUseOutsideOne() {
        io.polystore.Transactional tx = polystore.store("g").capability(io.polystore.Transactional.class);
        Repository<Latecomer, String> late = tx.inTransaction(() -> {
            Repository<Latecomer, String> r = polystore.repository(Latecomer.class);
            r.save(new Latecomer("t1", "inside"));
            return r;
        });
        assertThat(constraintsOn("Behaviour_Latecomer")).as("no schema work inside the caller's transaction").isEmpty();
        assertThat(late.findById("t1")).isPresent();
        assertThat(constraintsOn("Behaviour_Latecomer")).as("made at the first use outside a transaction").contains("_id");
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            assertThatThrownBy(() -> s.run("CREATE (:Behaviour_Latecomer {_id: 't1'})").consume())
                    .as("the unique-id constraint holds").hasMessageContaining("already exists");
        }
        late.deleteAll();
    }

    private static List<Object> constraintsOn(String label) {
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            return s.run("SHOW CONSTRAINTS YIELD labelsOrTypes, properties WHERE $label IN labelsOrTypes"
                    + " RETURN collect(properties[0]) AS p", Map.of("label", label)).single().get("p").asList();
        }
    }

    @Test
    void theDocumentAndTheIndexedFieldsAreOnTheNode() {
        users.save(new User("u2", "Grace", 45));
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            var r = s.run("MATCH (n:Behaviour_User {_id: 'u2'}) RETURN n.name AS name, n.age AS age, n._doc AS doc").single();
            assertThat(r.get("name").asString()).isEqualTo("Grace");
            assertThat(r.get("age").asLong()).isEqualTo(45);
            assertThat(r.get("doc").asString()).contains("\"name\":\"Grace\"");
            var indexes = s.run("SHOW INDEXES YIELD labelsOrTypes, properties WHERE 'Behaviour_User' IN labelsOrTypes"
                    + " RETURN collect(properties[0]) AS p").single().get("p").asList();
            assertThat(indexes).contains("_id", "name", "age");
        }
    }

    @Test
    void longIndexedTextStillMatchesExactly() {
        String longName = "x".repeat(5000) + "'\"{}$😀";
        String otherLong = "x".repeat(5000) + "other";
        users.saveAll(List.of(new User("l1", longName, 1), new User("l2", otherLong, 2), new User("l3", "xx", 3)));
        assertThat(users.find(Query.where(Criteria.eq("name", longName))).content()).extracting(User::id).containsExactly("l1");
        assertThat(users.find(Query.where(Criteria.startsWith("name", "xxx"))).content()).extracting(User::id)
                .containsExactlyInAnyOrder("l1", "l2");
        assertThat(users.find(Query.where(Criteria.in("name", List.of(otherLong, "xx")))).content()).extracting(User::id)
                .containsExactlyInAnyOrder("l2", "l3");
        assertThat(users.find(Query.where(Criteria.ne("name", longName))).content()).extracting(User::id)
                .containsExactlyInAnyOrder("l2", "l3");
    }

    @Test
    void badConfigurationNamesTheProblem() {
        assertThatThrownBy(() -> Polystore.builder().store("g", "bolt://127.0.0.1:7687", Map.of("colour", "red")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> Polystore.builder().store("g", "neo4j:///nohost").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> Polystore.builder().store("g", "bolt://127.0.0.1:7687/db").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("database");
    }

    @Test
    void anUnreachableServerIsUnavailableNotAHang() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long start = System.nanoTime();
        int p = port;
        assertThatThrownBy(() -> Polystore.builder().store("g", "bolt://127.0.0.1:" + p,
                Map.of("timeout", "2s", "connect-timeout", "1s", "password", "s3cret-value")).build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("store 'g'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-value"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    private static long nodes(String label, String id) {
        try (Driver d = GraphDatabase.driver(Neo4jTestServer.url(), AuthTokens.none()); Session s = d.session()) {
            return s.run("MATCH (n) WHERE $label IN labels(n) AND n._id = $id RETURN count(n) AS c",
                    Map.of("label", label, "id", id)).single().get("c").asLong();
        }
    }
}
