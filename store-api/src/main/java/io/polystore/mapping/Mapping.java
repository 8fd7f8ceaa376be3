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
    private static final ObjectMapper SHARED = io.polystore.spi.Json.newObjectMapper();

    private Mapping() {
    }

    /** @return the shared mapper used by {@link EntityModel}; do not reconfigure it */
    static ObjectMapper shared() {
        return SHARED;
    }
}
