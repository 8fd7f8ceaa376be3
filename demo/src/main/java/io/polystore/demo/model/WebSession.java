package io.polystore.demo.model;

import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;

import java.time.Instant;

/**
 * A signed-in browser session. Kept in the key-value store, where it expires by itself.
 *
 * @param id        the random token in the {@code SESSION} cookie
 * @param userId    who signed in
 * @param csrf      the token every form of this session carries
 * @param expiresAt when the session ends
 */
public record WebSession(@Id String id, String userId, String csrf, @Expires Instant expiresAt) {
}
