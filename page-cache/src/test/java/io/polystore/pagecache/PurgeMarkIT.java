package io.polystore.pagecache;

import io.polystore.pagecache.internal.SharedTier;
import io.polystore.pagecache.internal.SharedTiers;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that reaches Redis just after a purge of its URL (it was in flight on another node) must
 * not bring the purged page back; once the mark has expired, writes are stored again.
 */
class PurgeMarkIT {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lettuce", "jedis"})
    void aWriteLandingAfterAPurgeIsRefusedUntilTheMarkExpires(String client) throws Exception {
        try (SharedTier tier = SharedTiers.connect(client, TestServers.redisUrl(), Duration.ofSeconds(1),
                Duration.ofSeconds(1))) {
            String key = "test:mark:" + UUID.randomUUID() + ":p:http://h/x?";
            store(tier, key, new byte[] {1, 2, 3});
            assertThat(tier.lookup(key)[1]).containsExactly(1, 2, 3);
            tier.delete(List.of(key));
            assertThat(tier.lookup(key)[0]).isNull();
            store(tier, key, new byte[] {9});
            assertThat(tier.lookup(key)[0]).as("refused while the purge mark lasts").isNull();
            Thread.sleep(SharedTier.PURGE_MARK_MILLIS + 300);
            store(tier, key, new byte[] {7});
            assertThat(tier.lookup(key)[1]).containsExactly(7);
            tier.delete(List.of(key));
        }
    }

    private static void store(SharedTier tier, String key, byte[] page) throws Exception {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        tier.store(key, "", SharedTier.NO_VARIANT, page, 60_000, List.of(), done::complete);
        assertThat(done.get(5, TimeUnit.SECONDS)).isNull();
    }
}
