package io.polystore.demo;

import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app on {@code polystore-services.yaml}: users in PostgreSQL, notes as JSON documents in
 * MariaDB, sessions and the page cache's shared tier in Redis, follows in embedded Neo4j. Skips
 * (or fails, when {@code POLYSTORE_REQUIRE} names them) without those services.
 */
class ServicesDemoIT extends DemoContract {

    @BeforeAll
    static void start() throws Exception {
        String postgres = TestServers.postgresUrl();
        String mysql = TestServers.mysqlUrl();
        String redis = TestServers.redisUrl();
        started(Demo.start(DemoTesting.settings("polystore-services.yaml", Map.of(
                "DEMO_ACCOUNTS_URL", postgres,
                "DEMO_NOTES_URL", mysql,
                "DEMO_REDIS_URL", redis,
                "DEMO_GRAPH_URL", "neo4j-embedded:")), System.out));
    }

    @Test
    void theServicesAreTheOnesConfigured() {
        assertThat(demo.app().users().store().describe()).startsWith("jdbc:postgresql:");
        assertThat(demo.app().notes().store().describe()).startsWith("jdbc:mariadb:");
        assertThat(demo.app().sessions().store().describe()).startsWith("redis://");
        assertThat(demo.redis()).isEmpty();
        assertThat(demo.cache().sharedTierConnected()).isTrue();
    }
}
