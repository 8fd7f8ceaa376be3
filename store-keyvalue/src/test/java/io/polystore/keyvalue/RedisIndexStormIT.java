package io.polystore.keyvalue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.polystore.IndexMaintenance;
import io.polystore.OptimisticLockException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import io.polystore.query.Query;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.polystore.query.Criteria.eq;
import static org.assertj.core.api.Assertions.assertThat;

/** The indexes stay exact under concurrent writers, deletes and expiry, and drift is found and repaired. */
class RedisIndexStormIT {
    record Job(@Id String id, @Version long version, @Indexed String owner, @Indexed long priority,
               @Indexed List<String> tags, @Expires Instant expiresAt) {
    }

    private Polystore polystore;
    private Repository<Job, String> jobs;
    private IndexMaintenance maintenance;

    @BeforeEach
    void open() {
        polystore = Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("key-prefix", "storm")).build();
        jobs = polystore.repository(Job.class);
        jobs.deleteAll();
        maintenance = jobs.capability(IndexMaintenance.class);
    }

    @AfterEach
    void close() {
        if (polystore != null) {
            jobs.deleteAll();
            polystore.close();
        }
    }

    @Test
    void eightThreadsOfSavesUpdatesDeletesAndExpiriesLeaveNoDrift() throws Exception {
        String[] owners = {"ann", "bob", "cy", "dee"};
        AtomicLong writes = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            SplittableRandom random = new SplittableRandom(t);
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String id = "job-" + random.nextInt(200);
                    int action = random.nextInt(10);
                    try {
                        if (action < 6) {
                            long version = jobs.findById(id).map(Job::version).orElse(0L);
                            Instant expires = random.nextInt(3) == 0 ? Instant.now().plusMillis(100 + random.nextInt(900)) : null;
                            jobs.save(new Job(id, version, owners[random.nextInt(4)], random.nextInt(100),
                                    List.of("t" + random.nextInt(5), "t" + random.nextInt(5)), expires));
                        } else if (action < 8) {
                            jobs.deleteById(id);
                        } else {
                            jobs.find(Query.where(eq("owner", owners[random.nextInt(4)])));
                        }
                        writes.incrementAndGet();
                    } catch (OptimisticLockException e) {
                        // a concurrent writer won this round: expected under contention
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(writes.get()).as("operations done").isGreaterThan(1_000);
        Thread.sleep(1_200); // every short TTL has passed
        IndexMaintenance.Report report = maintenance.verifyIndexes(Job.class, false);
        assertThat(report.clean()).as(report.toString()).isTrue();
        for (String owner : owners) {
            List<Job> found = jobs.find(Query.where(eq("owner", owner))).content();
            assertThat(found).allMatch(j -> j.owner().equals(owner));
        }
    }

    @Test
    void driftIsReportedAndRepaired() {
        jobs.save(new Job("a", 0, "ann", 1, List.of("x"), null));
        jobs.save(new Job("b", 0, "bob", 2, List.of("y"), null));
        assertThat(maintenance.verifyIndexes(Job.class, false).clean()).isTrue();
        try (RedisClient client = RedisClient.create(TestServers.redisUrl());
             StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().zrem("{storm:Job}:t:owner", "ann\0a");            // a missing entry
            c.sync().zadd("{storm:Job}:t:owner", 0, "mallory\0b");      // a stale entry
            c.sync().zadd("{storm:Job}:n:priority", 99, "ghost");       // an entry of no entity
        }
        assertThat(jobs.find(Query.where(eq("owner", "ann"))).content()).as("the drift is visible").isEmpty();
        IndexMaintenance.Report found = maintenance.verifyIndexes(Job.class, true);
        assertThat(found.missing()).isEqualTo(1);
        assertThat(found.stale()).isEqualTo(2);
        assertThat(found.repaired()).isTrue();
        assertThat(maintenance.verifyIndexes(Job.class, false).clean()).isTrue();
        assertThat(jobs.find(Query.where(eq("owner", "ann"))).content()).extracting(Job::id).containsExactly("a");
        assertThat(jobs.find(Query.where(eq("owner", "mallory"))).content()).isEmpty();
    }
}
