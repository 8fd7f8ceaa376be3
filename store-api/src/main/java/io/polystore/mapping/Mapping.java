package io.polystore.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one mapping model every back end shares: entities become documents (maps of strings,
 * numbers, booleans, lists and maps) and back, the same way in every store. Back ends build their
 * JSON mappers with {@link io.polystore.spi.Json#newObjectMapper()}, which holds these rules.
 *
 * <p>Rules: fields are mapped (not getters), so records and plain classes map alike; {@code java.time}
 * values become ISO-8601 text, keeping offsets; {@code BigDecimal} keeps its scale; unknown stored
 * fields are ignored on read, so removing a field from an entity does not break old data; {@code null}
 * fields are kept as {@code null} (not dropped) so that null and absent stay distinguishable in
 * stores that keep documents.
 */
public final class Mapping {
    private static final java.util.concurrent.ConcurrentHashMap<Class<?>, ValueType<?>> VALUE_TYPES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final ObjectMapper SHARED = io.polystore.spi.Json.newObjectMapper();


    private Mapping() {
    }

    /**
     * Makes an application's value type known to every store: fields of that type (and lists and
     * maps of it) are kept, compared and queried as values of its {@link ValueType#kind() kind}.
     * Register at startup, before the first entity that uses the type is mapped: entity models and
     * JSON mappers remember what they learned about a type.
     *
     * @param valueType the value type
     * @throws IllegalStateException when another value type is registered for the same class, or
     *                               the class was mapped as a nested record already (too late)
     */
    public static void register(ValueType<?> valueType) {
        if (Kinds.MAPPED_AS_RECORDS.contains(valueType.type())) {
            throw new IllegalStateException(valueType.type().getName() + " was mapped as a nested record before " + valueType
                    + " was registered: entity models and JSON mappers keep what they learned; register value types at"
                    + " startup, before the first entity that uses them is mapped (before building the Polystore)");
        }
        ValueType<?> before = VALUE_TYPES.putIfAbsent(valueType.type(), valueType);
        if (before != null && before != valueType) {
            throw new IllegalStateException(valueType.type().getName() + " is registered already, as " + before
                    + "; register each value type once, at startup");
        }
    }

    /**
     * @param type a class
     * @return its registered value type, or null
     */
    public static ValueType<?> valueType(Class<?> type) {
        return VALUE_TYPES.get(type);
    }

    /** @return the shared mapper used by {@link EntityModel}; do not reconfigure it */
    static ObjectMapper shared() {
        return SHARED;
    }
}
