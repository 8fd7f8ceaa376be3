package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

/**
 * An entity with a store-generated numeric id.
 *
 * @param id    null until saved
 * @param label indexed text
 */
public record Numbered(@Id Long id, @Indexed String label) {
}
