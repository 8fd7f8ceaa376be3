package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

import java.util.List;

/**
 * An entity whose fields are application value types ({@link Money}, {@link Sku}).
 *
 * @param id      text id
 * @param price   indexed, kept as a decimal
 * @param sku     indexed, kept as text
 * @param history a list of value types
 */
public record Priced(@Id String id, @Indexed Money price, @Indexed Sku sku, List<Money> history) {
}
