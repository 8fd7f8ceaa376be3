package io.polystore.mapping;

import com.fasterxml.jackson.databind.JavaType;

/**
 * A field's Java type with its generics ({@code List<Address>}, {@code Map<String, Integer>}), as the
 * mapping model resolved it: what back ends and tools read to decide how to keep and compare a value,
 * without depending on the JSON library underneath. Immutable and thread-safe.
 */
public final class TypeRef {
    private final JavaType type;

    TypeRef(JavaType type) {
        this.type = type;
    }

    /** @return the JSON library's view of the type, for the mapping model's own conversions */
    JavaType javaType() {
        return type;
    }

    /** @return the erased class ({@code List} for {@code List<Address>}) */
    public Class<?> rawClass() {
        return type.getRawClass();
    }

    /** @return whether it is a primitive ({@code int}, {@code boolean}, ...), which cannot be null */
    public boolean isPrimitive() {
        return type.isPrimitive();
    }

    /** @return whether it is a map, whose keys and values are {@link #keyType()} and {@link #contentType()} */
    public boolean isMap() {
        return type.isMapLikeType();
    }

    /** @return whether it is a collection or an array, whose elements are {@link #contentType()} */
    public boolean isCollection() {
        return type.isCollectionLikeType() || type.isArrayType();
    }

    /** @return the key type of a map, or null */
    public TypeRef keyType() {
        JavaType k = type.getKeyType();
        return k == null ? null : new TypeRef(k);
    }

    /** @return the element type of a collection or array, the value type of a map, or null */
    public TypeRef contentType() {
        JavaType c = type.getContentType();
        return c == null ? null : new TypeRef(c);
    }

    /** @return how values of this type are stored and compared */
    public ValueKind kind() {
        return Kinds.of(type);
    }

    /** @return the type as Java source writes it ({@code java.util.List<com.acme.Address>}) */
    public String canonicalName() {
        return type.toCanonical();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypeRef t && t.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return canonicalName();
    }
}
