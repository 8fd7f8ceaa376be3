package io.polystore.keyvalue;

import io.polystore.IndexMaintenance;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreException;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Query;
import io.polystore.testkit.RedisCluster;
import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.polystore.query.Criteria.eq;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill the primary that holds an entity type while a writer saves, let its replica take over, and
 * check that no acknowledged write is lost (with {@code replica-acks: 1} a save is acknowledged only
 * once a replica has it) and that the store carries on by itself.
 */
class RedisClusterFailoverIT {
    record Order(@Id String id, @Indexed String customer) {
    }

    /** The port of the primary serving a slot, from CLUSTER NODES as a live node sees it. */
    private static int primaryOf(RedisCluster cluster, String hashTag) throws IOException {
        RedisServer any = cluster.nodes().stream().filter(RedisServer::isAlive).findFirst().orElseThrow();
        int slot = Integer.parseInt(any.reply("CLUSTER", "KEYSLOT", hashTag).substring(1));
        for (String line : any.reply("CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                int lo = Integer.parseInt(range[0]);
                int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                if (slot >= lo && slot <= hi) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                }
            }
        }
        throw new IllegalStateException("no primary serves slot " + slot);
    }

    /** A cluster of redis-servers of its own; skips (or fails in CI) without redis-server. */
    private static RedisCluster startCluster(int primaries, int replicasEach) {
        try {
            return RedisCluster.start(primaries, replicasEach);
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void aPrimaryFailsOverWithoutLosingAcknowledgedWrites(String client) throws Exception {
        // two replicas: after the failover the new primary still has one to confirm writes
        try (RedisCluster c = startCluster(3, 2);
             Polystore polystore = Polystore.builder().store("kv", c.url(),
                     Map.of("key-prefix", "failover", "replica-acks", "1", "timeout", "2s", "client", client)).build()) {
            Repository<Order, String> orders = polystore.repository(Order.class);
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger afterKill = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = "o" + i;
                    try {
                        orders.save(new Order(id, "c" + (i % 5)));
                        acknowledged.add(id);
                        if (killed.get()) {
                            afterKill.incrementAndGet();
                        }
                    } catch (StoreException e) {
                        if (failures.incrementAndGet() == 1) {
                            firstFailure.set(e.toString());
                        }
                        // not acknowledged: the caller would retry
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            writer.start();
            long warm = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (acknowledged.size() < 100 && System.nanoTime() < warm) {
                Thread.sleep(50); // replicas finish their first sync after the cluster is created
            }
            int port = primaryOf(c, "{failover:Order}");
            RedisServer primary = c.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            int before = acknowledged.size();
            primary.kill();
            killed.set(true);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (afterKill.get() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            writer.join(10_000);

            assertThat(before).as("writes before the failover; first failure: " + firstFailure.get()).isGreaterThan(50);
            assertThat(afterKill.get()).as("writes acknowledged after the failover (the store recovered by itself)")
                    .isGreaterThanOrEqualTo(200);
            List<String> ids = new ArrayList<>(acknowledged);
            assertThat(orders.findAllById(ids)).as("every acknowledged write survives").hasSize(ids.size());
            assertThat(orders.count()).isGreaterThanOrEqualTo(ids.size());
            assertThat(orders.find(Query.where(eq("customer", "c1"))).content()).allMatch(o -> o.customer().equals("c1"));
            IndexMaintenance.Report report = orders.capability(IndexMaintenance.class).verifyIndexes(Order.class, false);
            assertThat(report.clean()).as(report.toString()).isTrue();
            System.out.printf("failover: %d writes before, %d failed during, %d after%n", before, failures.get(), afterKill.get());
        }
    }

    /**
     * With the replica of an entity type's primary frozen, no write of that type is acknowledged,
     * while another thread keeps reading the type (which, on a pool of several connections per node,
     * would let a WAIT run on a connection other than its write's, one with nothing unconfirmed).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lettuce", "jedis"})
    void aWriteTheReplicaHasNotConfirmedIsNotAcknowledged(String client) throws Exception {
        try (RedisCluster c = startCluster(3, 1);
             Polystore polystore = Polystore.builder().store("kv", c.url(),
                     Map.of("key-prefix", "unconfirmed", "replica-acks", "1", "timeout", "2s", "client", client)).build()) {
            Repository<Order, String> orders = polystore.repository(Order.class);
            int port = primaryOf(c, "{unconfirmed:Order}");
            RedisServer replica = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (replica == null) { // the replica of that primary, once it has synchronised
                for (RedisServer n : c.nodes()) {
                    String info = n.reply("INFO", "replication");
                    if (info.contains("master_port:" + port) && info.contains("master_link_status:up")) {
                        replica = n;
                    }
                }
                if (replica == null && System.nanoTime() > deadline) {
                    throw new AssertionError("no synchronised replica of the primary on port " + port);
                }
                Thread.sleep(20);
            }
            orders.save(new Order("seed", "c0")); // confirmed: the replica is live
            orders.deleteById("none"); // loads the scripts first: Lettuce loads them on every node, the frozen one too
            orders.saveAll(List.of(new Order("warm", "c0")));
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        orders.findById("seed");
                    } catch (StoreException e) {
                        // a timeout while the test holds the replica frozen is not what this checks
                    }
                }
            });
            reader.start();
            try {
                List<Runnable> writes = List.of(
                        () -> orders.save(new Order("single", "c1")),
                        () -> orders.saveAll(List.of(new Order("b1", "c1"), new Order("b2", "c2"))),
                        () -> orders.deleteById("single"),
                        () -> orders.deleteAllById(List.of("b1", "b2")));
                RedisReplicaAcksIT.assertEachRefusedWhileFrozen(client, replica,
                        i -> orders.save(new Order("confirmed", "before write " + i)), writes);
            } finally {
                stop.set(true);
                reader.join(10_000);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void jedisOnAClusterKeepsOneConnectionPerNodeUnderReplicaAcks() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Polystore.builder().store("kv",
                "redis-cluster://127.0.0.1:" + RedisServer.freePort(),
                Map.of("client", "jedis", "replica-acks", "1", "pool-size", "8")).build()))
                .isInstanceOf(io.polystore.ConfigurationException.class).hasMessageContaining("stores.kv.options.pool-size")
                .hasMessageContaining("WAIT");
    }
}
