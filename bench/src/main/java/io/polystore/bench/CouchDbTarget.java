package io.polystore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polystore.spi.Redaction;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The raw baseline for CouchDB: what a developer would write by hand with the JDK's HttpClient,
 * one document per record holding its fields; an update reads the document's {@code _rev} and
 * writes it back with {@code PUT} (reading again after a 409); a batch reads the revisions with
 * {@code _all_docs?keys} and writes with one {@code _bulk_docs}; a query is a Mango {@code _find}.
 */
final class CouchDbTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB = "/bench_raw_usertable";

    private final String uri;
    private final String base;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    CouchDbTarget(String uri, String user, String password) {
        this.uri = uri;
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT).equals("couchdbs") ? "https" : "http";
        this.base = scheme + "://" + parsed.getHost() + ":" + (parsed.getPort() < 0 ? 5984 : parsed.getPort());
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        send("PUT", DB, null);
    }

    static boolean supports(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("couchdb://") || u.startsWith("couchdbs://");
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String id(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static ObjectNode document(BenchRecord r, String rev) {
        ObjectNode d = JSON.createObjectNode();
        d.put("_id", r.id());
        if (rev != null) {
            d.put("_rev", rev);
        }
        String[] f = r.fields();
        for (int i = 0; i < f.length; i++) {
            d.put("field" + i, f[i]);
        }
        return d;
    }

    private static BenchRecord record(JsonNode d) {
        String[] f = new String[10];
        for (int i = 0; i < 10; i++) {
            JsonNode v = d.get("field" + i);
            f[i] = v == null || v.isNull() ? null : v.asText();
        }
        return BenchRecord.of(d.get("_id").asText(), f);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String describe() {
        return "JDK HttpClient " + Redaction.uri(uri);
    }

    /**
     * Deletes every record as the API's {@code deleteAll} does (tombstones through {@code _bulk_docs}),
     * not by dropping the database: both sides then carry the same revision history into the next
     * round, which CouchDB reads on every {@code GET}.
     */
    @Override
    public void clear() {
        while (true) {
            JsonNode rows = parse(send("GET", DB + "/_all_docs?limit=1000", null).body()).path("rows");
            if (rows.isEmpty()) {
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            var docs = body.putArray("docs");
            for (JsonNode row : rows) {
                ObjectNode tombstone = docs.addObject();
                tombstone.put("_id", row.path("id").asText());
                tombstone.put("_rev", row.path("value").path("rev").asText());
                tombstone.put("_deleted", true);
            }
            send("POST", DB + "/_bulk_docs", body.toString());
        }
    }

    @Override
    public void insertBatch(List<BenchRecord> records) {
        List<String> keys = new ArrayList<>();
        for (BenchRecord r : records) {
            keys.add(r.id());
        }
        Map<String, String> revs = new HashMap<>();
        JsonNode rows = parse(send("POST", DB + "/_all_docs", JSON.valueToTree(Map.of("keys", keys)).toString()).body()).path("rows");
        for (JsonNode row : rows) {
            JsonNode rev = row.path("value").get("rev");
            if (rev != null && !row.path("value").path("deleted").asBoolean(false)) {
                revs.put(row.path("key").asText(), rev.asText());
            }
        }
        ObjectNode body = JSON.createObjectNode();
        var docs = body.putArray("docs");
        for (BenchRecord r : records) {
            docs.add(document(r, revs.get(r.id())));
        }
        HttpResponse<String> response = send("POST", DB + "/_bulk_docs", body.toString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("_bulk_docs: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public BenchRecord read(String key) {
        HttpResponse<String> r = send("GET", DB + "/" + id(key), null);
        return r.statusCode() == 404 ? null : record(parse(r.body()));
    }

    @Override
    public void write(BenchRecord record) {
        for (int attempt = 0; attempt < 10; attempt++) {
            HttpResponse<String> current = send("GET", DB + "/" + id(record.id()), null);
            String rev = current.statusCode() == 404 ? null : parse(current.body()).path("_rev").asText(null);
            HttpResponse<String> put = send("PUT", DB + "/" + id(record.id()), document(record, rev).toString());
            if (put.statusCode() != 409) {
                return;
            }
        }
        throw new IllegalStateException("the document kept changing: " + record.id());
    }

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        String path = DB + "/_all_docs?include_docs=true&limit=" + count + "&startkey="
                + URLEncoder.encode(JSON.valueToTree(startKey).toString(), StandardCharsets.UTF_8);
        List<BenchRecord> out = new ArrayList<>();
        for (JsonNode row : parse(send("GET", path, null).body()).path("rows")) {
            out.add(record(row.get("doc")));
        }
        return out;
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        Map<String, Object> find = Map.of("selector", Map.of(field, Map.of("$eq", value)), "limit", 100);
        List<BenchRecord> out = new ArrayList<>();
        for (JsonNode d : parse(send("POST", DB + "/_find", JSON.valueToTree(find).toString()).body()).path("docs")) {
            out.add(record(d));
        }
        out.sort(java.util.Comparator.comparing(BenchRecord::id));
        return out;
    }

    @Override
    public void close() {
        // the JDK client has nothing to close on Java 17
    }
}
