package io.polystore.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.polystore.spi.Redaction;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The raw-driver baselines for Redis: what a developer would write by hand with Lettuce or Jedis,
 * one JSON string per record ({@code SET}/{@code GET}), a hand-pipelined batch for loading. Scans
 * are not a key-value operation: workload E is refused.
 */
abstract class RedisTarget implements Target {
    static final String PREFIX = "bench-raw:";
    final ObjectMapper json = io.polystore.spi.Json.newObjectMapper();
    private final String uri;
    private final String kind;

    RedisTarget(String uri, String kind) {
        this.uri = uri;
        this.kind = kind;
    }

    static boolean supports(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("redis://") || u.startsWith("rediss://");
    }

    /**
     * @param kind     the target's name in the results: {@code raw} (the store's own client), or
     *                 {@code raw-jedis} / {@code raw-lettuce} when one run compares both clients
     * @param client   {@code jedis} or {@code lettuce}
     * @param poolSize Jedis connections
     */
    static RedisTarget of(String uri, String kind, String client, int poolSize) {
        return "jedis".equalsIgnoreCase(client) ? new Jedis(uri, kind, poolSize) : new Lettuce(uri, kind);
    }

    String encode(BenchRecord r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    BenchRecord decode(String text) {
        try {
            return text == null ? null : json.readValue(text, BenchRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String describe() {
        return client() + " " + Redaction.uri(uri);
    }

    abstract String client();

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        throw new UnsupportedOperationException("range scans are not a Redis key-value operation");
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        throw new UnsupportedOperationException("queries by content are not a Redis key-value operation");
    }

    /** Raw Lettuce: one multiplexed connection, sync API, async pipelining for batches. */
    static final class Lettuce extends RedisTarget {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        Lettuce(String uri, String kind) {
            super(uri, kind);
            this.client = RedisClient.create(RedisURI.create(uri));
            this.connection = client.connect();
        }

        @Override
        String client() {
            return "Lettuce";
        }

        @Override
        public void clear() {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(PREFIX + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().unlink(page.getKeys().toArray(new String[0]));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }

        @Override
        public void insertBatch(List<BenchRecord> records) {
            List<RedisFuture<String>> futures = new ArrayList<>(records.size());
            for (BenchRecord r : records) {
                futures.add(connection.async().set(PREFIX + r.id(), encode(r)));
            }
            for (RedisFuture<String> f : futures) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public BenchRecord read(String key) {
            return decode(connection.sync().get(PREFIX + key));
        }

        @Override
        public void write(BenchRecord record) {
            connection.sync().set(PREFIX + record.id(), encode(record));
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    /** Raw Jedis: a pooled client, a pipeline per batch. */
    static final class Jedis extends RedisTarget {
        private final redis.clients.jedis.RedisClient jedis;

        Jedis(String uri, String kind, int poolSize) {
            super(uri, kind);
            org.apache.commons.pool2.impl.GenericObjectPoolConfig<redis.clients.jedis.Connection> pool =
                    new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>();
            pool.setMaxTotal(poolSize);
            pool.setMaxIdle(poolSize);
            this.jedis = redis.clients.jedis.RedisClient.builder().fromURI(uri).poolConfig(pool).build();
        }

        @Override
        String client() {
            return "Jedis";
        }

        @Override
        public void clear() {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(PREFIX + "*").count(1000));
                if (!page.getResult().isEmpty()) {
                    jedis.unlink(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }

        @Override
        public void insertBatch(List<BenchRecord> records) {
            try (AbstractPipeline p = jedis.pipelined()) {
                for (BenchRecord r : records) {
                    p.set(PREFIX + r.id(), encode(r));
                }
                p.sync();
            }
        }

        @Override
        public BenchRecord read(String key) {
            return decode(jedis.get(PREFIX + key));
        }

        @Override
        public void write(BenchRecord record) {
            jedis.set(PREFIX + record.id(), encode(record));
        }

        @Override
        public void close() {
            jedis.close();
        }
    }
}
