package io.polystore.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launchers start real servers, skip with a reason, and fail when a service is required. */
class TestServersTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("POLYSTORE_REQUIRE");
    }

    @Test
    void aStartedRedisServerAnswersCommandsAndStopsOnClose() throws IOException {
        RedisServer started = null;
        try {
            started = RedisServer.start(List.of());
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
        }
        try (RedisServer server = started) {
            assertThat(server.command("PING")).isEqualTo("+PONG");
            assertThat(server.command("SET", "polystore:k", "v w")).isEqualTo("+OK");
            assertThat(server.command("STRLEN", "polystore:k")).isEqualTo(":3");
            assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(TestServers.probe("127.0.0.1", server.port())).isNull();
            server.close();
            assertThat(server.isAlive()).isFalse();
            assertThat(TestServers.probe("127.0.0.1", server.port())).contains("does not accept connections");
        }
    }

    @Test
    void redisUrlIsAlwaysAvailableOnThisMachine() {
        String url = TestServers.redisUrl();
        assertThat(url).startsWith("redis://");
    }

    @Test
    void anUnavailableServiceSkipsWithTheReason() {
        System.setProperty("POLYSTORE_REQUIRE", "redis"); // overrides the environment (CI requires postgres)
        assertThatThrownBy(() -> TestServers.unavailable("postgres", "not configured"))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("postgres").hasMessageContaining("not configured");
    }

    @Test
    void aRequiredServiceThatIsUnavailableFails() {
        System.setProperty("POLYSTORE_REQUIRE", "Postgres, redis");
        assertThat(TestServers.required()).containsExactlyInAnyOrder("postgres", "redis");
        assertThatThrownBy(() -> TestServers.unavailable("postgres", "not configured"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("required").hasMessageContaining("not configured");
        assertThatThrownBy(() -> TestServers.unavailable("mysql", "not configured")).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aConfiguredServiceThatDoesNotAnswerIsReportedWithItsAddress() {
        int closedPort = RedisServer.freePort();
        System.setProperty("POLYSTORE_REQUIRE", "postgres");
        String previous = System.getProperty("POLYSTORE_POSTGRES_URL");
        System.setProperty("POLYSTORE_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/test");
        try {
            assertThatThrownBy(TestServers::postgresUrl).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageContaining("does not accept connections");
        } finally {
            if (previous == null) {
                System.clearProperty("POLYSTORE_POSTGRES_URL");
            } else {
                System.setProperty("POLYSTORE_POSTGRES_URL", previous);
            }
        }
    }
}
