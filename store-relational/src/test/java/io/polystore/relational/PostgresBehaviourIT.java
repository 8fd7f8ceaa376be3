package io.polystore.relational;

import io.polystore.Polystore;
import io.polystore.StoreUnavailableException;
import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresBehaviourIT extends RelationalBehaviourSuite {
    @Override
    protected String url() {
        return TestServers.postgresUrl();
    }

    @Test
    void anUnreachableServerFailsFastWithoutLeakingThePassword() {
        int port = RedisServer.freePort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Polystore.builder().store("db", "jdbc:postgresql://127.0.0.1:" + port
                        + "/test?user=app&password=hunter2", java.util.Map.of("connection-timeout", "1s")).build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("store 'db'").hasMessageContaining("password=***").hasMessageNotContaining("hunter2");
        org.assertj.core.api.Assertions.assertThat(System.nanoTime() - start).isLessThan(java.time.Duration.ofSeconds(15).toNanos());
    }
}
