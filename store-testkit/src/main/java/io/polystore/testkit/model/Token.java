package io.polystore.testkit.model;

import io.polystore.annotation.Id;

import java.util.UUID;

/**
 * An entity with a UUID id.
 *
 * @param id    null until saved
 * @param value any text
 */
public record Token(@Id UUID id, String value) {
}
