package io.polystore.keyvalue;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreUnavailableException;
import io.polystore.UnsupportedQueryException;
import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.query.Query;
import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.polystore.query.Criteria.eq;
import static io.polystore.query.Criteria.gt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisBehaviourIT {
    record Ticket(@Id String id, @Indexed String owner, String note, @Indexed long priority, @Expires Instant expiresAt) {
    }

    private Polystore polystore;
    private Repository<Ticket, String> tickets;

    @BeforeEach
    void open() {
        polystore = Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("key-prefix", "behaviour")).build();
        tickets = polystore.repository(Ticket.class);
        tickets.deleteAll();
    }

    @AfterEach
    void close() {
        if (polystore != null) {
            tickets.deleteAll();
            polystore.close();
        }
    }

    @Test
    void aQueryOnAFieldWithoutIndexNamesTheFieldAndTheFix() {
        assertThatThrownBy(() -> tickets.find(Query.where(eq("note", "x"))))
                .isInstanceOf(UnsupportedQueryException.class).hasMessageContaining("note").hasMessageContaining("@Indexed");
    }

    @Test
    void aTextRangeFindsValuesThatContinueWithNul() {
        // found by the differential test (seed 3): "a\0x" > "a", but its index member sorted below the range's start
        tickets.save(new Ticket("t1", "a\u0000{\"$gt\": \"\"}", null, 1, null));
        tickets.save(new Ticket("t2", "a", null, 1, null));
        assertThat(tickets.find(Query.where(gt("owner", "a"))).content()).extracting(Ticket::id).containsExactly("t1");
        assertThat(tickets.count(Query.where(io.polystore.query.Criteria.ge("owner", "a")))).isEqualTo(2);
    }

    @Test
    void idsWithColonsStarsBracesSpacesAndEmojiAreJustIds() {
        List<String> ids = List.of("a:b:c", "*", "{tag}", "with space", "ünï 😀", "user:*:{x}");
        for (String id : ids) {
            tickets.save(new Ticket(id, "o", "n", 1, null));
        }
        for (String id : ids) {
            assertThat(tickets.findById(id)).as(id).map(Ticket::id).contains(id);
        }
        assertThat(tickets.count()).isEqualTo(ids.size());
        assertThat(tickets.find(Query.where(eq("owner", "o"))).content()).hasSize(ids.size());
        assertThat(tickets.deleteAllById(ids)).isEqualTo(ids.size());
    }

    @Test
    void expiredEntitiesLeaveNoIndexEntriesBehind() throws Exception {
        tickets.save(new Ticket("soon", "ann", "n", 5, Instant.now().plusMillis(300)));
        tickets.save(new Ticket("later", "ann", "n", 5, Instant.now().plus(Duration.ofHours(1))));
        Thread.sleep(600);
        assertThat(tickets.find(Query.where(eq("owner", "ann"))).content()).extracting(Ticket::id).containsExactly("later");
        assertThat(tickets.count()).isEqualTo(1);
        assertThat(tickets.count(Query.where(gt("priority", 1)))).isEqualTo(1);
    }

    @Test
    void anUnreachableServerFailsFastWithStoreUnavailable() {
        int port = RedisServer.freePort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Polystore.builder().store("kv", "redis://:secret@127.0.0.1:" + port,
                Map.of("connect-timeout", "500ms")).build())
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("store 'kv'")
                .hasMessageNotContaining("secret");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void unknownClientsAndClusterSayWhatToDo() {
        assertThatThrownBy(() -> Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("client", "redisson")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.kv.options.client")
                .hasMessageContaining("jedis").hasMessageContaining("lettuce");
        assertThatThrownBy(() -> Polystore.builder().store("kv", "redis-cluster://127.0.0.1").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> Polystore.builder().store("kv", "redis-cluster://127.0.0.1:" + RedisServer.freePort(),
                Map.of("client", "jedis", "connect-timeout", "500ms")).build())
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cluster");
        assertThatThrownBy(() -> Polystore.builder().store("kv", "redis-cluster://127.0.0.1:" + RedisServer.freePort(),
                Map.of("connect-timeout", "500ms")).build())
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cluster");
    }

    @Test
    void coalesceIsAnOptionOfJedisOnOneServerAndCannotBeTurnedOffUnderReplicaAcks() {
        assertThatThrownBy(() -> Polystore.builder().store("kv", TestServers.redisUrl(),
                Map.of("client", "lettuce", "coalesce", "true")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.kv.options.coalesce")
                .hasMessageContaining("Lettuce");
        assertThatThrownBy(() -> Polystore.builder().store("kv", "redis-cluster://127.0.0.1:" + RedisServer.freePort(),
                Map.of("client", "jedis", "coalesce", "false")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.kv.options.coalesce")
                .hasMessageContaining("cluster");
        assertThatThrownBy(() -> Polystore.builder().store("kv", TestServers.redisUrl(),
                Map.of("coalesce", "false", "replica-acks", "1")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.kv.options.coalesce")
                .hasMessageContaining("WAIT");
        assertThatThrownBy(() -> Polystore.builder().store("kv", TestServers.redisUrl(), Map.of("coalesce", "sometimes")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stores.kv.options.coalesce");
        try (Polystore pooled = Polystore.builder().store("kv", TestServers.redisUrl(),
                Map.of("coalesce", "false", "key-prefix", "pooled-option")).build()) {
            Repository<Ticket, String> tickets = pooled.repository(Ticket.class);
            tickets.save(new Ticket("t1", "ann", "pooled", 1, null));
            assertThat(tickets.findById("t1")).map(Ticket::note).contains("pooled");
            tickets.deleteAll();
        }
    }

    @Test
    void badOptionsAreConfigurationErrorsNamingTheKeyOnBothClients() {
        for (String client : List.of("lettuce", "jedis")) {
            for (Map.Entry<String, String> bad : Map.of("replica-acks", "lots", "id-set", "perhaps").entrySet()) {
                assertThatThrownBy(() -> Polystore.builder().store("kv", TestServers.redisUrl(),
                        Map.of("client", client, bad.getKey(), bad.getValue())).build())
                        .as(client + " " + bad.getKey())
                        .isInstanceOf(ConfigurationException.class).isNotInstanceOf(io.polystore.RetryableException.class)
                        .hasMessageContaining("stores.kv.options." + bad.getKey());
            }
        }
    }
}
