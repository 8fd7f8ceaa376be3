package io.polystore.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.UnsupportedQueryException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A keyset position: the sort-key values and id of the last entity of a page. Opaque to users;
 * {@link #encode()} gives a URL-safe token for web pages and {@link #decode} reads it back.
 * A cursor belongs to one entity type and sort order; using it with another raises
 * {@link UnsupportedQueryException}.
 *
 * @param signature the entity name and sort order it was made for
 * @param values    the stored sort-key values of the last entity, then its id
 */
public record Cursor(String signature, List<Object> values) {
    private static final ObjectMapper JSON = io.polystore.spi.Json.newObjectMapper();

    /**

     * Keeps an unmodifiable copy of the values.

     *

     * @param signature the entity name and sort order it was made for

     * @param values    the stored sort-key values of the last entity, then its id

     */

    public Cursor {
        Objects.requireNonNull(signature, "signature");
        values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * The signature a cursor must carry for a query.
     *
     * @param entityName the entity's stored name
     * @param sort       the query's sort keys
     * @return the signature
     */
    public static String signature(String entityName, List<Sort> sort) {
        StringBuilder sb = new StringBuilder(entityName);
        for (Sort s : sort) {
            sb.append('|').append(s.field()).append(s.ascending() ? '+' : '-');
        }
        return sb.toString();
    }

    /**
     * Checks that this cursor was made for the entity and sort order.
     *
     * @param entityName the entity's stored name
     * @param sort       the query's sort keys
     * @throws UnsupportedQueryException if it was made for another
     */
    public void check(String entityName, List<Sort> sort) {
        String expected = signature(entityName, sort);
        if (!expected.equals(signature) || values.size() != sort.size() + 1) {
            throw new UnsupportedQueryException("cursor was made for '" + signature + "', not for '" + expected
                    + "': pass a cursor from a page of the same query");
        }
    }

    /** @return a URL-safe token holding this cursor */
    public String encode() {
        try {
            List<Object> all = new ArrayList<>();
            all.add(signature);
            all.addAll(values);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cursor", e);
        }
    }

    /**
     * @param token a token from {@link #encode()}
     * @return the cursor
     * @throws UnsupportedQueryException if the token is not a cursor
     */
    public static Cursor decode(String token) {
        try {
            // the document reader: strict (one JSON value, nothing after it), whole numbers beyond long as BigInteger
            Object parsed = io.polystore.spi.JsonDocuments.parse(
                    new String(Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8));
            if (!(parsed instanceof List<?> all) || all.isEmpty() || !(all.get(0) instanceof String sig)) {
                throw new IllegalArgumentException("not a list starting with a signature");
            }
            return new Cursor(sig, new ArrayList<>(all.subList(1, all.size())));
        } catch (RuntimeException e) {
            throw new UnsupportedQueryException("not a cursor token: '" + abbreviate(token) + "'", e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : (s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }

    @Override
    public String toString() {
        return "Cursor[" + encode() + "]";
    }
}
