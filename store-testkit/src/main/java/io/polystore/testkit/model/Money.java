package io.polystore.testkit.model;

import io.polystore.mapping.ValueKind;
import io.polystore.mapping.ValueType;

import java.math.BigDecimal;

/**
 * An application's own value type, kept as a decimal ({@link io.polystore.mapping.Mapping#register}).
 *
 * @param amount the amount, its scale kept
 */
public record Money(BigDecimal amount) {
    /** How a {@code Money} is kept: its amount, as a decimal. */
    public static final ValueType<Money> TYPE = ValueType.of(Money.class, ValueKind.DECIMAL, Money::amount,
            stored -> new Money((BigDecimal) stored));

    /**
     * @param amount the amount as text
     * @return the money
     */
    public static Money of(String amount) {
        return new Money(new BigDecimal(amount));
    }
}
