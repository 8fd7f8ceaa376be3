package io.polystore.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.MappingException;
import io.polystore.mapping.EntityModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text for back ends that store each entity as one JSON document (Redis, Neo4j): documents
 * written with the shared mapping configuration, read back as entities or as documents (for the
 * exact query check). Failures raise {@link MappingException} naming the entity class. Thread-safe.
 *
 * @param <T> the entity type
 */
public final class JsonDocuments<T> {

    private static final JsonFactory FACTORY = io.polystore.spi.Json.newObjectMapper().getFactory();

    private final EntityModel<T> model;
    private final ObjectMapper json = io.polystore.spi.Json.newObjectMapper();
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
     * @param value a document, or any other value to write as JSON
     * @return its JSON text in UTF-8 (no intermediate string)
     */
    public byte[] writeBytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new MappingException(model.type().getName() + ": cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param entity an entity
     * @return its document's JSON text in UTF-8, written straight from the entity where its type allows
     *         ({@link EntityModel#documentJson}), else from {@link EntityModel#toDocument}: the same bytes
     */
    public byte[] writeEntityBytes(T entity) {
        byte[] direct = model.documentJson(entity);
        return direct != null ? direct : writeBytes(model.toDocument(entity));
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
     * Reads a stored document from its UTF-8 bytes without decoding them to a string first. Bytes that are
     * not well-formed JSON in UTF-8 are read as {@link #entity(String)} reads their decoded text (malformed
     * sequences replaced), so the answer, or the error, is the same as through the text.
     *
     * @param utf8 a stored document in UTF-8
     * @return the entity
     */
    public T entity(byte[] utf8) {
        try {
            return json.readValue(utf8, javaType);
        } catch (java.io.IOException e) {
            return entity(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * @param text a stored document
     * @return it as a document (maps, lists and stored values, numbers as {@link #parse} reads them)
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> document(String text) {
        Object value;
        try {
            value = parse(text);
        } catch (MappingException e) {
            throw new MappingException(model.type().getName() + ": " + e.getMessage(), e);
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new MappingException(model.type().getName() + ": stored JSON cannot be read: it is not an object");
        }
        return (Map<String, Object>) value;
    }

    /**
     * Reads stored JSON into the document form in one streaming pass: maps (in order), lists,
     * strings, whole numbers as Long (BigInteger beyond its range: a BigDecimal such as
     * 99999999999999999999 or jsonb's full digits of a large double), other numbers as BigDecimal,
     * Boolean, null. Every back end that keeps JSON reads it here, so stored numbers come back alike.
     *
     * @param text JSON text
     * @return the value
     * @throws MappingException if the text is not one JSON value
     */
    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new MappingException("stored JSON cannot be read: it is empty");
            }
            Object value = natural(p);
            if (p.nextToken() != null) {
                throw new MappingException("stored JSON cannot be read: content after the value at " + p.currentLocation());
            }
            return value;
        } catch (java.io.IOException e) {
            throw new MappingException("stored JSON cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The value at the parser's current token in stored form, in one pass: maps (in order), lists,
     * strings, Long for whole numbers that fit (BigInteger beyond), BigDecimal for the others,
     * Boolean, null. Depth is bounded by the parser's nesting limit.
     */
    private static Object natural(JsonParser p) throws java.io.IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> map = new java.util.LinkedHashMap<>();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    p.nextToken();
                    map.put(name, natural(p));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new java.util.ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(natural(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new MappingException("stored JSON cannot be read: unexpected " + p.currentToken() + " at " + p.currentLocation());
        }
    }

}
