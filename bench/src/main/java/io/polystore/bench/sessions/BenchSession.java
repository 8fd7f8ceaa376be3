package io.polystore.bench.sessions;

import io.polystore.annotation.Entity;
import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

import java.time.Instant;

/**
 * A web session as the session workload stores it: found by id on every request, listed by user
 * (so the store keeps an index that expiry must not leave stale), gone when it expires.
 *
 * @param id        the session id
 * @param userId    the user it belongs to
 * @param data      the session's attributes (about 200 bytes of text)
 * @param expiresAt when it expires
 */
@Entity("bench_sessions")
public record BenchSession(@Id String id, @Indexed String userId, String data, @Expires Instant expiresAt) {
}
