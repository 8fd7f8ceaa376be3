package io.polystore.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.MappingException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.Mapping;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON text for back ends that store each entity as one JSON document (Redis, Neo4j): documents
 * written with the shared mapping configuration, read back as entities or as documents (for the
 * exact query check). Failures raise {@link MappingException} naming the entity class. Thread-safe.
 *
 * @param <T> the entity type
 */
public final class JsonDocuments<T> {
    private static final TypeReference<LinkedHashMap<String, Object>> DOC = new TypeReference<>() {
    };

    private final EntityModel<T> model;
    private final ObjectMapper json = Mapping.newObjectMapper();
    private final JavaType javaType;

    /**
     * @param model the entity's mapping
     */
    public JsonDocuments(EntityModel<T> model) {
        this.model = model;
        this.javaType = json.getTypeFactory().constructType(model.type());
    }

    /**
     * @param value a document, or any other value to write as JSON (index entries, ...)
     * @return its JSON text
     */
    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MappingException(model.type().getName() + ": cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param text a stored document
     * @return the entity
     */
    public T entity(String text) {
        try {
            return json.readValue(text, javaType);
        } catch (JsonProcessingException e) {
            throw new MappingException(model.type().getName() + ": stored JSON cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @param text a stored document
     * @return it as a document (maps, lists and stored values)
     */
    public Map<String, Object> document(String text) {
        try {
            return json.readValue(text, DOC);
        } catch (JsonProcessingException e) {
            throw new MappingException(model.type().getName() + ": stored JSON cannot be read: " + e.getMessage(), e);
        }
    }
}
