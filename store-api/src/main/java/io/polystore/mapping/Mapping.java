package io.polystore.mapping;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one mapping model every back end shares: a Jackson configuration that turns entities into
 * documents (maps of strings, numbers, booleans, lists and maps) and back.
 *
 * <p>Rules: fields are mapped (not getters), so records and plain classes map alike; {@code java.time}
 * values become ISO-8601 text, keeping offsets; {@code BigDecimal} keeps its scale; unknown stored
 * fields are ignored on read, so removing a field from an entity does not break old data; {@code null}
 * fields are kept as {@code null} (not dropped) so that null and absent stay distinguishable in
 * stores that keep documents.
 */
public final class Mapping {
    private static final ObjectMapper SHARED = newObjectMapper();

    private Mapping() {
    }

    /**
     * Builds a new mapper with Polystore's configuration. Back ends use it to write nested values
     * as JSON. Thread-safe once configured; do not reconfigure a mapper that is in use.
     *
     * @return a new, independently configurable mapper
     */
    public static ObjectMapper newObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .visibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .build();
    }

    /** @return the shared mapper used by {@link EntityModel}; do not reconfigure it */
    static ObjectMapper shared() {
        return SHARED;
    }
}
