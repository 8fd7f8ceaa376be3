package io.polystore.bench.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.polystore.IndexMaintenance;
import io.polystore.Polystore;
import io.polystore.Repository;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the session workload runs against: the repository API, or Lettuce/Jedis by hand. */
interface SessionTarget extends AutoCloseable {

    String kind();

    /** Creates or replaces a session, expiring at its {@code expiresAt}. */
    void save(BenchSession s);

    /** @return the session, or null when it does not exist (or has expired) */
    BenchSession find(String id);

    void delete(String id, String userId);

    /** @return the index drift found after the run, or null when the target cannot check */
    IndexMaintenance.Report verify();

    @Override
    void close();

    /** The repository API. */
    final class Api implements SessionTarget {
        private final Polystore polystore;
        private final Repository<BenchSession, String> sessions;

        Api(String uri, Map<String, String> options) {
            this.polystore = Polystore.builder().store("sessions", uri, options).route(BenchSession.class, "sessions").build();
            this.sessions = polystore.repository(BenchSession.class);
            sessions.deleteAll();
        }

        @Override
        public String kind() {
            return "api";
        }

        @Override
        public void save(BenchSession s) {
            sessions.save(s);
        }

        @Override
        public BenchSession find(String id) {
            return sessions.findById(id).orElse(null);
        }

        @Override
        public void delete(String id, String userId) {
            sessions.deleteById(id);
        }

        @Override
        public IndexMaintenance.Report verify() {
            return sessions.store().capabilities().contains(IndexMaintenance.class)
                    ? sessions.store().capability(IndexMaintenance.class).verifyIndexes(BenchSession.class, false) : null;
        }

        @Override
        public void close() {
            polystore.close();
        }
    }

    /**
     * By hand, as a developer would write it: the session as a JSON string with {@code SET PX},
     * and the user's sessions in a set ({@code SADD}, {@code PEXPIRE}), pipelined. The set is not
     * cleaned when sessions expire: that is what a hand-written index does without more work.
     */
    final class RawLettuce implements SessionTarget {
        private static final String PREFIX = "bench-raw-session:";
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;
        private final ObjectMapper json = io.polystore.spi.Json.newObjectMapper();

        RawLettuce(String uri) {
            this.client = RedisClient.create(uri);
            this.connection = client.connect();
        }

        @Override
        public String kind() {
            return "raw";
        }

        @Override
        public void save(BenchSession s) {
            long ttl = Math.max(1, s.expiresAt().toEpochMilli() - System.currentTimeMillis());
            RedisAsyncCommands<String, String> a = connection.async();
            String text;
            try {
                text = json.writeValueAsString(s);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            var set = a.set(PREFIX + s.id(), text, SetArgs.Builder.px(ttl));
            var add = a.sadd(PREFIX + "user:" + s.userId(), s.id());
            var expire = a.pexpire(PREFIX + "user:" + s.userId(), ttl);
            try {
                set.get(5, TimeUnit.SECONDS);
                add.get(5, TimeUnit.SECONDS);
                expire.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("raw save failed: " + e, e);
            }
        }

        @Override
        public BenchSession find(String id) {
            String text = connection.sync().get(PREFIX + id);
            try {
                return text == null ? null : json.readValue(text, BenchSession.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void delete(String id, String userId) {
            RedisAsyncCommands<String, String> a = connection.async();
            var del = a.del(PREFIX + id);
            var rem = a.srem(PREFIX + "user:" + userId, id);
            try {
                del.get(5, TimeUnit.SECONDS);
                rem.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("raw delete failed: " + e, e);
            }
        }

        @Override
        public IndexMaintenance.Report verify() {
            return null;
        }

        @Override
        public void close() {
            List<String> keys = connection.sync().keys(PREFIX + "*");
            if (!keys.isEmpty()) {
                connection.sync().unlink(keys.toArray(new String[0]));
            }
            connection.close();
            client.shutdown();
        }
    }
}
