package io.polystore.bench;

import io.polystore.spi.Redaction;
import io.polystore.spi.StoreConfig;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.types.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raw-driver baseline for Neo4j: what a developer would write by hand with neo4j-java-driver. A
 * record is a node {@code (:BenchRaw {id, field0..field9})} with a uniqueness constraint on
 * {@code id}; each operation is a managed transaction of a fresh session (the driver's idiom);
 * batches are {@code UNWIND ... MERGE} of 1 000 rows in one transaction.
 */
final class Neo4jTarget implements Target {
    static final String LABEL = "BenchRaw";
    private static final Set<String> SCHEMES = Set.of("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc");

    private final Driver driver;
    private final String uri;

    /**
     * @param indexed whether {@code field0} has an index (created, or else dropped: the label is shared by runs)
     */
    Neo4jTarget(String boltUri, String user, String password, boolean indexed) {
        this.uri = boltUri;
        AuthToken auth = user == null ? AuthTokens.none() : AuthTokens.basic(user, password == null ? "" : password);
        this.driver = GraphDatabase.driver(boltUri, auth);
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT bench_raw_id IF NOT EXISTS FOR (n:" + LABEL + ") REQUIRE n.id IS UNIQUE").consume();
            s.run(indexed ? "CREATE INDEX bench_raw_field0 IF NOT EXISTS FOR (n:" + LABEL + ") ON (n.field0)"
                    : "DROP INDEX bench_raw_field0 IF EXISTS").consume();
        }
    }

    static boolean supports(String uri) {
        return SCHEMES.contains(StoreConfig.scheme(uri));
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String describe() {
        return "neo4j-java-driver " + Redaction.uri(uri);
    }

    @Override
    public void clear() {
        try (Session s = driver.session()) {
            s.run("MATCH (n:" + LABEL + ") CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume();
        }
    }

    private static Map<String, Object> props(BenchRecord r) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", r.id());
        String[] f = r.fields();
        for (int i = 0; i < f.length; i++) {
            p.put("field" + i, f[i]);
        }
        return p;
    }

    private static BenchRecord record(Node n) {
        String[] f = new String[10];
        for (int i = 0; i < f.length; i++) {
            f[i] = n.get("field" + i).asString(null);
        }
        return BenchRecord.of(n.get("id").asString(), f);
    }

    @Override
    public void insertBatch(List<BenchRecord> records) {
        try (Session s = driver.session()) {
            s.executeWriteWithoutResult(tx -> {
                for (int from = 0; from < records.size(); from += 1000) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (BenchRecord r : records.subList(from, Math.min(records.size(), from + 1000))) {
                        rows.add(props(r));
                    }
                    tx.run("UNWIND $rows AS row MERGE (n:" + LABEL + " {id: row.id}) SET n = row", Map.of("rows", rows)).consume();
                }
            });
        }
    }

    @Override
    public BenchRecord read(String key) {
        try (Session s = driver.session()) {
            return s.executeRead(tx -> {
                List<Record> rows = tx.run("MATCH (n:" + LABEL + " {id: $id}) RETURN n", Map.of("id", key)).list();
                return rows.isEmpty() ? null : record(rows.get(0).get("n").asNode());
            });
        }
    }

    @Override
    public void write(BenchRecord record) {
        try (Session s = driver.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("MERGE (n:" + LABEL + " {id: $id}) SET n = $props",
                    Map.of("id", record.id(), "props", props(record))).consume());
        }
    }

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        try (Session s = driver.session()) {
            return s.executeRead(tx -> {
                List<BenchRecord> out = new ArrayList<>();
                for (Record r : tx.run("MATCH (n:" + LABEL + ") WHERE n.id >= $start RETURN n ORDER BY n.id LIMIT $count",
                        Map.of("start", startKey, "count", count)).list()) {
                    out.add(record(r.get("n").asNode()));
                }
                return out;
            });
        }
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        if (!field.matches("field[0-9]")) {
            throw new IllegalArgumentException("no such field: " + field);
        }
        try (Session s = driver.session()) {
            return s.executeRead(tx -> {
                List<BenchRecord> out = new ArrayList<>();
                for (Record r : tx.run("MATCH (n:" + LABEL + ") WHERE n." + field + " = $v RETURN n ORDER BY n.id LIMIT 100",
                        Map.of("v", value)).list()) {
                    out.add(record(r.get("n").asNode()));
                }
                return out;
            });
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
