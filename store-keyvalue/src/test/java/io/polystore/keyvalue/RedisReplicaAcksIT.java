package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replica-acks: 1} on a single primary with one replica, written by several threads at once:
 * when a save, a batch or a delete returns, the replica already has it. WAIT confirms the writes of
 * the connection it runs on, so this holds only if every write and its WAIT share a connection (the
 * shared connection of the default Jedis client carries single commands and, under replica-acks,
 * pipelines too; Lettuce writes on a text and a bytes connection and waits on both).
 */
class RedisReplicaAcksIT {
    record Plain(@Id String id, String text) {
    }

    record Tagged(@Id String id, @Indexed String tag, String text) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void everyAcknowledgedWriteIsOnTheReplicaWhenItReturns(String client) throws Exception {
        RedisServer[] pair = primaryAndReplica();
        try (RedisServer p = pair[0]; RedisServer r = pair[1]) {
            awaitLink(r);
            try (Polystore writer = Polystore.builder().store("kv", p.url(),
                         Map.of("key-prefix", "acks", "replica-acks", "1", "timeout", "10s", "client", client)).build();
                 Polystore reader = Polystore.builder().store("kv", r.url(), Map.of("key-prefix", "acks")).build()) {
                Repository<Plain, String> plains = writer.repository(Plain.class);
                Repository<Tagged, String> tagged = writer.repository(Tagged.class);
                Repository<Plain, String> plainsOnReplica = reader.repository(Plain.class);
                Repository<Tagged, String> taggedOnReplica = reader.repository(Tagged.class);
                int threads = 6;
                ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int me = t;
                        done.add(pool.submit(() -> {
                            for (int i = 0; i < 150; i++) {
                                String id = me + "-" + i;
                                switch (i % 4) {
                                    case 0 -> {
                                        plains.save(new Plain(id, "one " + i));
                                        if (plainsOnReplica.findById(id).isEmpty()) {
                                            missing.add("save " + id);
                                        }
                                    }
                                    case 1 -> {
                                        List<Plain> batch = new ArrayList<>();
                                        for (int j = 0; j < 30; j++) {
                                            batch.add(new Plain(id + "." + j, "batch"));
                                        }
                                        plains.saveAll(batch);
                                        if (plainsOnReplica.findById(id + ".29").isEmpty()) {
                                            missing.add("saveAll " + id);
                                        }
                                    }
                                    case 2 -> {
                                        List<Tagged> batch = new ArrayList<>();
                                        for (int j = 0; j < 10; j++) {
                                            batch.add(new Tagged(id + "." + j, "tag" + me, "indexed"));
                                        }
                                        tagged.saveAll(batch);
                                        if (taggedOnReplica.findById(id + ".9").isEmpty()) {
                                            missing.add("indexed saveAll " + id);
                                        }
                                    }
                                    default -> {
                                        plains.deleteById(me + "-" + (i - 3));
                                        if (plainsOnReplica.findById(me + "-" + (i - 3)).isPresent()) {
                                            missing.add("delete " + id);
                                        }
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get(5, TimeUnit.MINUTES);
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertThat(missing).as("writes acknowledged before the replica had them").isEmpty();
                assertThat(plainsOnReplica.count()).isEqualTo(plains.count());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aWriteTheReplicaHasNotConfirmedIsNotAcknowledged(String client) throws Exception {
        RedisServer[] pair = primaryAndReplica();
        try (RedisServer p = pair[0]; RedisServer r = pair[1];
             Polystore writer = Polystore.builder().store("kv", p.url(),
                     Map.of("key-prefix", "unconfirmed", "replica-acks", "1", "timeout", "2s", "client", client)).build()) {
            awaitLink(r);
            Repository<Plain, String> plains = writer.repository(Plain.class);
            Repository<Tagged, String> tagged = writer.repository(Tagged.class);
            tagged.save(new Tagged("t0", "t", "confirmed"));
            List<Runnable> writes = List.of(
                    () -> plains.saveAll(List.of(new Plain("b1", "x"), new Plain("b2", "x"))),
                    () -> tagged.saveAll(List.of(new Tagged("t1", "t", "x"), new Tagged("t2", "t", "x"))),
                    () -> plains.save(new Plain("single", "x")),
                    () -> plains.deleteAllById(List.of("b1", "b2")),
                    () -> tagged.deleteAllById(List.of("t1")),
                    () -> tagged.deleteById("t2"),
                    () -> tagged.deleteAll());
            assertEachRefusedWhileFrozen(client, r, i -> plains.save(new Plain("confirmed", "before write " + i)), writes);
        }
    }

    /**
     * Runs each of {@code writes} with {@code replica} frozen ({@code SIGSTOP}), right after a write
     * made with it live ({@code confirmed}, given the write's index): each must fail with
     * {@code StoreTimeoutException} naming the replicas, not be acknowledged. Following a confirmed
     * write, a WAIT on a connection other than the write's would find nothing to wait for.
     */
    static void assertEachRefusedWhileFrozen(String client, RedisServer replica, java.util.function.IntConsumer confirmed,
                                             List<Runnable> writes) {
        for (int i = 0; i < writes.size(); i++) {
            confirmed.accept(i);
            replica.pause(); // the replica stops confirming anything
            try {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(writes.get(i)::run))
                        .as(client + ": write " + i + " with the replica frozen")
                        .isInstanceOf(io.polystore.StoreTimeoutException.class).hasMessageContaining("replicas");
            } finally {
                replica.resume();
            }
        }
    }

    /** A primary and its replica, each a redis-server of its own; skips (or fails in CI) without redis-server. */
    private static RedisServer[] primaryAndReplica() {
        RedisServer primary = null;
        try {
            primary = RedisServer.start(List.of());
            return new RedisServer[]{primary,
                    RedisServer.start(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())))};
        } catch (IllegalStateException e) {
            if (primary != null) {
                primary.close();
            }
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
            throw e;
        }
    }

    /** Waits until the replica has synchronised with its primary (the bound only stops a broken run). */
    private static void awaitLink(RedisServer replica) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!replica.reply("INFO", "replication").contains("master_link_status:up")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replica never synchronised: " + replica.reply("INFO", "replication"));
            }
            Thread.sleep(20);
        }
    }
}
