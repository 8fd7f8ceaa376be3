package io.polystore.testkit.model;

import io.polystore.mapping.ValueKind;
import io.polystore.mapping.ValueType;

/**
 * An application's own value type, kept as text ({@link io.polystore.mapping.Mapping#register}).
 *
 * @param code the stock-keeping code
 */
public record Sku(String code) {
    /** How a {@code Sku} is kept: its code, as text. */
    public static final ValueType<Sku> TYPE = ValueType.of(Sku.class, ValueKind.STRING, Sku::code, stored -> new Sku((String) stored));
}
