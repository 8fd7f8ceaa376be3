package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

/**
 * A small entity for batch tests.
 *
 * @param id      text id
 * @param n       indexed number
 * @param payload text
 */
public record Item(@Id String id, @Indexed int n, String payload) {
}
