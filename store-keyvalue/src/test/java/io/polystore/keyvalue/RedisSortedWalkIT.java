package io.polystore.keyvalue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A limited query sorted by an {@code @Indexed} number walks that number's sorted set instead of
 * reading every candidate; its answers are those of the in-memory store, also where several
 * values share one score (decimals beyond a double's precision) and for nulls, which the sorted
 * set does not hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSortedWalkIT {
    record Score(@Id String id, @Indexed Long points, @Indexed BigDecimal amount, @Indexed String team, String note) {
    }

    private Polystore polystore;
    private Polystore mem;
    private Repository<Score, String> scores;
    private Repository<Score, String> reference;

    @BeforeAll
    void open() {
        polystore = Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("key-prefix", "walk")).build();
        mem = Polystore.builder().store("m", "mem:").build();
        scores = polystore.repository(Score.class);
        reference = mem.repository(Score.class);
    }

    @AfterAll
    void close() {
        scores.deleteAll();
        polystore.close();
        mem.close();
    }

    @BeforeEach
    void fill() {
        scores.deleteAll();
        reference.deleteAll();
        Random random = new Random(7);
        BigDecimal big = new BigDecimal("9007199254740992");
        List<Score> all = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            Long points = random.nextInt(8) == 0 ? null : (long) random.nextInt(40) - 20;
            // 2^53 + a little: distinct values, one double score
            BigDecimal amount = random.nextInt(8) == 0 ? null : big.add(BigDecimal.valueOf(random.nextInt(5)));
            all.add(new Score("s" + i, points, amount, random.nextInt(10) == 0 ? "red" : "blue", "n" + random.nextInt(3)));
        }
        scores.saveAll(all);
        reference.saveAll(all);
    }

    private static List<String> paged(Repository<Score, String> repo, Query q) {
        List<String> out = new ArrayList<>();
        Page<Score> page = repo.find(q);
        page.content().forEach(s -> out.add(s.id()));
        while (page.hasNext()) {
            page = repo.find(q.after(Cursor.decode(page.next().orElseThrow().encode())));
            page.content().forEach(s -> out.add(s.id()));
        }
        return out;
    }

    @Test
    void walkedQueriesAnswerAsTheInMemoryStore() {
        List<Query> queries = List.of(
                Query.all().orderBy(Sort.asc("points")).limit(7),
                Query.all().orderBy(Sort.desc("points")).limit(25),
                Query.all().orderBy(Sort.asc("amount"), Sort.desc("points")).limit(9),
                Query.all().orderBy(Sort.desc("amount")).limit(40),
                Query.where(Criteria.eq("team", "blue")).orderBy(Sort.asc("points")).limit(6),   // many candidates
                Query.where(Criteria.eq("team", "red")).orderBy(Sort.desc("points")).limit(3),   // few: read them all
                Query.where(Criteria.and(Criteria.eq("team", "blue"), Criteria.ge("points", 0L)))
                        .orderBy(Sort.desc("amount"), Sort.asc("points")).limit(5));
        for (Query q : queries) {
            assertThat(paged(scores, q)).as(q.toString()).isEqualTo(paged(reference, q));
        }
    }

    @Test
    void aLimitedQueryReadsOnlyTheDocumentsItNeeds() {
        // an entity whose document cannot be read, last by points: walking the index never reaches it
        try (RedisClient client = RedisClient.create(TestServers.redisUrl());
             StatefulRedisConnection<String, String> c = client.connect()) {
            String base = "{walk:Score}:";
            c.sync().set(base + "e:zzz", "not a document");
            c.sync().zadd(base + "n:points", 1e9, "zzz");
            c.sync().sadd(base + "all", "zzz");
        }
        assertThat(scores.find(Query.all().orderBy(Sort.asc("points")).limit(20)).content()).hasSize(20);
        assertThatThrownBy(() -> scores.find(Query.all().orderBy(Sort.asc("team")).limit(20)))
                .as("a query that is not walked reads every candidate, the unreadable one too").isInstanceOf(RuntimeException.class);
    }
}
