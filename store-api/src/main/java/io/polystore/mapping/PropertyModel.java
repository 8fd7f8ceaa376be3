package io.polystore.mapping;

import com.fasterxml.jackson.databind.JavaType;
import io.polystore.annotation.Indexed;

import java.lang.reflect.AnnotatedElement;
import java.util.Objects;

/**
 * One mapped field of an entity or nested type: its name, Java type and {@link ValueKind}.
 * Immutable and thread-safe.
 */
public final class PropertyModel {
    private final String name;
    private final JavaType type;
    private final ValueKind kind;
    private final AnnotatedElement element;
    private final Class<?> declaringClass;

    PropertyModel(String name, JavaType type, AnnotatedElement element, Class<?> declaringClass) {
        this.name = name;
        this.type = type;
        this.kind = Kinds.of(type);
        this.element = element;
        this.declaringClass = declaringClass;
    }

    /** @return the field name, which is also its key in documents */
    public String name() {
        return name;
    }

    /** @return the declared Java type, with generics */
    public TypeRef type() {
        return new TypeRef(type);
    }

    /** @return the JSON library's view of the declared type, for the mapping model's conversions */
    JavaType javaType() {
        return type;
    }

    /** @return the erased Java type */
    public Class<?> rawType() {
        return type.getRawClass();
    }

    /** @return how the value is stored and compared */
    public ValueKind kind() {
        return kind;
    }

    /** @return whether the field carries {@link Indexed @Indexed} */
    public boolean isIndexed() {
        return element.isAnnotationPresent(Indexed.class);
    }

    /** @return whether {@code null} can be stored (false for primitives) */
    public boolean isNullable() {
        return !type.isPrimitive();
    }

    /** @return the kind of the elements, for {@link ValueKind#LIST} and {@link ValueKind#MAP} values */
    public ValueKind elementKind() {
        JavaType content = type.getContentType();
        return content == null ? ValueKind.OBJECT : Kinds.of(content);
    }

    /** @return the class that declares the field, for messages */
    public Class<?> declaringClass() {
        return declaringClass;
    }

    /** @return the field or record component, to read annotations from */
    public AnnotatedElement element() {
        return element;
    }

    @Override
    public String toString() {
        return declaringClass.getSimpleName() + "." + name + " (" + type.toCanonical() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropertyModel p && p.name.equals(name) && p.declaringClass.equals(declaringClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, declaringClass);
    }
}
