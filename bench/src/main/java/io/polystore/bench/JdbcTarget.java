package io.polystore.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.polystore.spi.Redaction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The raw-JDBC baseline: what a developer would write by hand against the same table, with a
 * HikariCP pool of the same size: one prepared statement per operation, a batch in one transaction
 * for loading, rows mapped with the record's constructor. For a store with {@code layout: document}
 * the table is {@code (id, doc)}, and the fields go in and out of {@code doc} as JSON with Jackson
 * ({@code jsonb} on PostgreSQL).
 */
final class JdbcTarget implements Target {
    private static final String COLUMNS = "id, field0, field1, field2, field3, field4, field5, field6, field7, field8, field9";

    private final HikariDataSource pool;
    private final String uri;
    private final String select;
    private final String upsert;
    private final String scan;
    private final String delete;
    private final String vacuum;
    private final String query;
    private final boolean document;
    private final ObjectMapper json = io.polystore.spi.Json.newObjectMapper();

    /**
     * @param document whether records are JSON documents ({@code id}, {@code doc}) rather than columns
     * @param indexed  whether {@code field0} has an index: for columns, the API's {@code @Indexed} index,
     *                 which raw SQL uses as is; for documents, an expression index on the document's field
     *                 as a hand-writer would create it (PostgreSQL, SQLite), or on MariaDB/MySQL, which
     *                 index no expressions, the API's generated column
     */
    JdbcTarget(String uri, String table, int poolSize, boolean document, boolean indexed) {
        this.document = document;
        this.uri = uri;
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench-raw");
        String url = uri.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + uri.substring("jdbc:mysql:".length()) : uri;
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(poolSize);
        if (url.startsWith("jdbc:postgresql:")) {
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        if (url.startsWith("jdbc:sqlite:")) {
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "30000");
        }
        this.pool = new HikariDataSource(hc);
        boolean mysql = url.startsWith("jdbc:mariadb:");
        String q = mysql ? "`" : "\"";
        String t = q + table + q;
        StringBuilder values = new StringBuilder();
        StringBuilder updates = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            values.append(", ?");
            String f = "field" + i;
            updates.append(i == 0 ? "" : ", ").append(f).append(mysql ? " = VALUES(" + f + ")" : " = excluded." + f);
        }
        String columns = COLUMNS;
        if (document) {
            columns = "id, doc";
            values.setLength(0);
            values.append(url.startsWith("jdbc:postgresql:") ? ", CAST(? AS jsonb)" : ", ?");
            updates.setLength(0);
            updates.append(mysql ? "doc = VALUES(doc)" : "doc = excluded.doc");
        }
        this.select = "SELECT " + columns + " FROM " + t + " WHERE id = ?";
        this.upsert = "INSERT INTO " + t + " (" + columns + ") VALUES (?" + values + ")"
                + (mysql ? " ON DUPLICATE KEY UPDATE " : " ON CONFLICT (id) DO UPDATE SET ") + updates;
        this.scan = "SELECT " + columns + " FROM " + t + " WHERE id >= ? ORDER BY id LIMIT ?";
        this.delete = "DELETE FROM " + t;
        this.vacuum = url.startsWith("jdbc:postgresql:") ? "VACUUM ANALYZE " + t : null;
        // by content: the column, or the document's field as a hand-writer would reach it
        String field0 = !document || (mysql && indexed) ? "field0"
                : url.startsWith("jdbc:postgresql:") ? "doc ->> 'field0'"
                : mysql ? "JSON_VALUE(doc, '$.field0')" : "json_extract(doc, '$.field0')";
        if (document && indexed && !mysql) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE INDEX IF NOT EXISTS " + q + table + "_raw_field0" + q + " ON " + t + " ((" + field0 + "))");
            } catch (SQLException e) {
                throw new IllegalStateException("creating the raw baseline's index on " + field0, e);
            }
        }
        // in id order, as the API returns them (the same logical operation; it also lets PostgreSQL walk the
        // primary key instead of scanning a heap that the harness's reloads have bloated)
        this.query = "SELECT " + columns + " FROM " + t + " WHERE " + field0 + " = ? ORDER BY id LIMIT 100";
    }

    static boolean supports(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:sqlite:") || u.startsWith("jdbc:postgresql:") || u.startsWith("jdbc:mariadb:")
                || u.startsWith("jdbc:mysql:");
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String describe() {
        return "JDBC " + (document ? "(JSON documents) " : "") + Redaction.uri(uri);
    }

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private BenchRecord row(ResultSet rs) throws SQLException {
        if (document) {
            try {
                Map<String, String> f = json.readValue(rs.getString(2), FIELDS);
                return new BenchRecord(rs.getString(1), f.get("field0"), f.get("field1"), f.get("field2"), f.get("field3"),
                        f.get("field4"), f.get("field5"), f.get("field6"), f.get("field7"), f.get("field8"), f.get("field9"));
            } catch (JsonProcessingException e) {
                throw new SQLException("bad JSON in doc: " + e.getMessage(), e);
            }
        }
        return new BenchRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11));
    }

    private void bind(PreparedStatement ps, BenchRecord r) throws SQLException {
        ps.setString(1, r.id());
        String[] f = r.fields();
        if (document) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                fields.put("field" + i, f[i]);
            }
            try {
                ps.setString(2, json.writeValueAsString(fields));
            } catch (JsonProcessingException e) {
                throw new SQLException(e);
            }
            return;
        }
        for (int i = 0; i < 10; i++) {
            ps.setString(i + 2, f[i]);
        }
    }

    @Override
    public void clear() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(delete);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PostgreSQL: {@code VACUUM ANALYZE} of the table (shared with the API target), so that neither scans dead rows. */
    @Override
    public void settle() {
        if (vacuum == null) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(vacuum);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void insertBatch(List<BenchRecord> records) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                int n = 0;
                for (BenchRecord r : records) {
                    bind(ps, r);
                    ps.addBatch();
                    if (++n % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public BenchRecord read(String key) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(BenchRecord record) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
            bind(ps, record);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(scan)) {
            ps.setString(1, startKey);
            ps.setInt(2, count);
            List<BenchRecord> out = new ArrayList<>(count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        if (!field.equals("field0")) {
            throw new IllegalArgumentException("the raw JDBC query is written for field0, not " + field);
        }
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, value);
            List<BenchRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
