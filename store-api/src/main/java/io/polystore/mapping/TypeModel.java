package io.polystore.mapping;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.polystore.MappingException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mapped fields of a record or class, in declaration order (superclass fields first).
 * Immutable, thread-safe, cached per class.
 */
public final class TypeModel {
    private static final ClassValue<TypeModel> CACHE = new ClassValue<>() {
        @Override
        protected TypeModel computeValue(Class<?> type) {
            return new TypeModel(type);
        }
    };

    private final Class<?> type;
    private final Map<String, PropertyModel> properties;

    private TypeModel(Class<?> type) {
        this.type = type;
        TypeFactory types = Mapping.shared().getTypeFactory();
        Map<String, PropertyModel> found = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                found.put(c.getName(), new PropertyModel(c.getName(), types.constructType(c.getGenericType()), c, type));
            }
        } else {
            Deque<Class<?>> hierarchy = new ArrayDeque<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                hierarchy.push(c);
            }
            for (Class<?> c : hierarchy) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()
                            || f.isAnnotationPresent(JsonIgnore.class)) {
                        continue;
                    }
                    PropertyModel previous = found.get(f.getName());
                    if (previous != null) {
                        throw new MappingException(type.getName() + ": duplicate field name '" + f.getName()
                                + "', declared in " + previous.declaringClass().getName() + " and in " + c.getName()
                                + "; every mapped field needs its own name (rename one, or mark one transient)");
                    }
                    found.put(f.getName(), new PropertyModel(f.getName(), types.constructType(f.getGenericType()), f, c));
                }
            }
        }
        this.properties = Collections.unmodifiableMap(found);
    }

    /**
     * @param type a record or class
     * @return its model
     * @throws MappingException if two fields share a name
     */
    public static TypeModel of(Class<?> type) {
        return CACHE.get(type);
    }

    /** @return the modelled class */
    public Class<?> type() {
        return type;
    }

    /** @return the mapped fields in declaration order */
    public List<PropertyModel> properties() {
        return List.copyOf(properties.values());
    }

    /**
     * @param name a field name
     * @return the field, if mapped
     */
    public Optional<PropertyModel> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    Map<String, PropertyModel> propertyMap() {
        return properties;
    }
}
