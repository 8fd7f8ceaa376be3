package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.RetryableException;
import io.polystore.StoreException;
import io.polystore.annotation.Id;
import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A Redis that dies under an open store: the next operation fails with a retryable exception instead of hanging. */
class RedisConnectionLossIT {
    record Note(@Id String id, String text) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"lettuce", "jedis"})
    void aLostServerSurfacesAsARetryableExceptionWithinTheTimeout(String client) {
        RedisServer server = null;
        try {
            server = RedisServer.start(List.of());
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
        }
        try (RedisServer s = server;
             Polystore polystore = Polystore.builder().store("kv", s.url(), Map.of("client", client, "timeout", "1s",
                     "connect-timeout", "500ms")).build()) {
            Repository<Note, String> notes = polystore.repository(Note.class);
            notes.save(new Note("a", "before"));
            assertThat(notes.findById("a")).isPresent();
            s.kill();
            // a hang would show as no answer at all; the bound is far above any timeout, not a speed check
            java.util.concurrent.CompletableFuture<Throwable> failure =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> catchThrowable(() -> notes.findById("a")));
            Throwable t = catchThrowable(() -> failure.get(1, java.util.concurrent.TimeUnit.MINUTES)) == null
                    ? failure.join() : new AssertionError("no answer: the store hung on a dead server");
            assertThat(t).as(client).isInstanceOf(StoreException.class).isInstanceOf(RetryableException.class)
                    .hasMessageContaining("store 'kv'");
            Throwable again = catchThrowable(() -> notes.save(new Note("b", "after")));
            assertThat(again).isInstanceOf(RetryableException.class);
        }
    }
}
