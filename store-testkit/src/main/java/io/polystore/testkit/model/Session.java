package io.polystore.testkit.model;

import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;

import java.time.Instant;

/**
 * An expiring entity.
 *
 * @param id        text id
 * @param user      who it belongs to
 * @param expiresAt when it expires; null = never
 */
public record Session(@Id String id, String user, @Expires Instant expiresAt) {
}
