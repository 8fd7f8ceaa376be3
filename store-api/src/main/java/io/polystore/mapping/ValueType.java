package io.polystore.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * How an application's own value type is kept: as one value of a kind the stores already know, as
 * Jdbi's argument and column mappers do for SQL. Register it with {@link Mapping#register} before
 * the first entity that uses it is mapped (at startup, before building the {@code Polystore}):
 *
 * <pre>{@code
 * record Money(BigDecimal amount) { }
 * record Sku(String code) { }
 *
 * Mapping.register(ValueType.of(Money.class, ValueKind.DECIMAL, Money::amount, stored -> new Money((BigDecimal) stored)));
 * Mapping.register(ValueType.of(Sku.class, ValueKind.STRING, Sku::code, stored -> new Sku((String) stored)));
 * }</pre>
 *
 * A field of that type (or a list or map of it) is then stored, indexed, compared, sorted and
 * queried as a value of its kind on every back end: a {@code Money} is a decimal column in SQL, a
 * number in documents, a score in a Redis index, and {@code Query.where(gt("price", new Money(...)))}
 * (or a plain {@code BigDecimal} operand) compares by amount.
 *
 * @param <V> the application's type
 */
public final class ValueType<V> {
    private static final Map<ValueKind, Class<?>> STORED = Map.ofEntries(
            Map.entry(ValueKind.STRING, String.class), Map.entry(ValueKind.LONG, Long.class),
            Map.entry(ValueKind.DOUBLE, Double.class), Map.entry(ValueKind.DECIMAL, BigDecimal.class),
            Map.entry(ValueKind.BOOLEAN, Boolean.class), Map.entry(ValueKind.UUID, UUID.class),
            Map.entry(ValueKind.INSTANT, Instant.class), Map.entry(ValueKind.OFFSET_DATE_TIME, OffsetDateTime.class),
            Map.entry(ValueKind.LOCAL_DATE, LocalDate.class), Map.entry(ValueKind.LOCAL_DATE_TIME, LocalDateTime.class),
            Map.entry(ValueKind.LOCAL_TIME, LocalTime.class), Map.entry(ValueKind.DURATION, Duration.class),
            Map.entry(ValueKind.BYTES, byte[].class));

    private final Class<V> type;
    private final ValueKind kind;
    private final Function<? super V, ?> toStored;
    private final Function<Object, ? extends V> fromStored;

    private ValueType(Class<V> type, ValueKind kind, Function<? super V, ?> toStored, Function<Object, ? extends V> fromStored) {
        this.type = type;
        this.kind = kind;
        this.toStored = toStored;
        this.fromStored = fromStored;
    }

    /**
     * @param type       the application's type
     * @param kind       how it is kept: a scalar kind ({@code STRING}, {@code LONG}, {@code DOUBLE},
     *                   {@code DECIMAL}, {@code BOOLEAN}, {@code UUID}, the {@code java.time} kinds,
     *                   {@code BYTES})
     * @param toStored   the value as the kind's Java type ({@link #storedClass()}: a {@code BigDecimal}
     *                   for {@code DECIMAL}, a {@code String} for {@code STRING}, an {@code Instant} for
     *                   {@code INSTANT}, ...; for the number kinds any {@code Number}); never null
     * @param fromStored the value back from that Java type
     * @param <V>        the application's type
     * @return the value type, to {@link Mapping#register}
     * @throws IllegalArgumentException for a kind that is not a scalar ({@code OBJECT}, {@code LIST},
     *                                  {@code MAP}, {@code ENUM}), or a type the mapping model knows already
     */
    public static <V> ValueType<V> of(Class<V> type, ValueKind kind, Function<? super V, ?> toStored,
                                      Function<Object, ? extends V> fromStored) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(toStored, "toStored");
        Objects.requireNonNull(fromStored, "fromStored");
        if (!STORED.containsKey(Objects.requireNonNull(kind, "kind"))) {
            throw new IllegalArgumentException(type.getName() + ": a value type is kept as one scalar value; " + kind
                    + " is not one (use STRING, LONG, DOUBLE, DECIMAL, BOOLEAN, UUID, a java.time kind or BYTES)");
        }
        if (Kinds.builtIn(type) || type.isPrimitive() || type.isEnum() || java.util.Collection.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type) || type.isArray()) {
            throw new IllegalArgumentException(type.getName() + " is mapped already (as " + (type.isEnum() ? "an enum" : "a built-in type")
                    + "); register value types only for the application's own classes");
        }
        return new ValueType<>(type, kind, toStored, fromStored);
    }

    /** @return the application's type */
    public Class<V> type() {
        return type;
    }

    /** @return how it is kept */
    public ValueKind kind() {
        return kind;
    }

    /** @return the Java type of the kind, which {@code toStored} gives and {@code fromStored} takes */
    public Class<?> storedClass() {
        return STORED.get(kind);
    }

    /**
     * @param value a value of the application's type
     * @return it as the kind's Java type
     * @throws IllegalArgumentException when the function gives null or another type
     */
    public Object store(Object value) {
        Object s = toStored.apply(type.cast(value));
        if (s instanceof Number n && !(s instanceof BigDecimal) && kind == ValueKind.DECIMAL) {
            s = n instanceof BigInteger b ? new BigDecimal(b) : new BigDecimal(n.toString());
        } else if (s instanceof Number n && kind == ValueKind.LONG && !(s instanceof Long)) {
            s = n.longValue();
        } else if (s instanceof Number n && kind == ValueKind.DOUBLE && !(s instanceof Double)) {
            s = n.doubleValue();
        }
        if (!storedClass().isInstance(s)) {
            throw new IllegalArgumentException(type.getName() + ": the value type's toStored gave "
                    + (s == null ? "null" : s.getClass().getName()) + " for " + kind + ", not a " + storedClass().getName());
        }
        return s;
    }

    /**
     * @param stored a value of the kind's Java type
     * @return it as the application's type
     */
    public V load(Object stored) {
        return fromStored.apply(stored);
    }

    @Override
    public String toString() {
        return "ValueType[" + type.getName() + " as " + kind + "]";
    }
}
