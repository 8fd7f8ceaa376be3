package io.polystore.mapping;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A fast path for the common case: a record whose components are all text, integers or booleans
 * with no Jackson annotations. It reads components through their accessors and builds records
 * through the canonical constructor, producing exactly the documents the Jackson path produces
 * (integers as {@code Long}), without a round trip through Jackson's token buffer. Anything else
 * makes {@link #of} return null and {@link EntityModel} uses Jackson.
 */
final class RecordCodec {
    private static final Set<Class<?>> SIMPLE = Set.of(String.class, long.class, Long.class, int.class, Integer.class,
            short.class, Short.class, byte.class, Byte.class, boolean.class, Boolean.class);

    private final String[] names;
    private final Class<?>[] types;
    private final Method[] accessors;
    private final Constructor<?> constructor;

    private RecordCodec(String[] names, Class<?>[] types, Method[] accessors, Constructor<?> constructor) {
        this.names = names;
        this.types = types;
        this.accessors = accessors;
        this.constructor = constructor;
    }

    static RecordCodec of(Class<?> type) {
        if (!type.isRecord()) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Method[] accessors = new Method[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            if (!SIMPLE.contains(c.getType()) || hasJacksonAnnotation(c.getAnnotations())
                    || hasJacksonAnnotation(c.getAccessor().getAnnotations())) {
                return null;
            }
            names[i] = c.getName();
            types[i] = c.getType();
            accessors[i] = c.getAccessor();
        }
        if (hasJacksonAnnotation(type.getAnnotations())) {
            return null;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            for (Method m : accessors) {
                m.setAccessible(true);
            }
            return new RecordCodec(names, types, accessors, ctor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // inaccessible (e.g. a module boundary): Jackson will say why if it cannot either
        }
    }

    private static boolean hasJacksonAnnotation(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }

    /** @return component i of the record as the document holds it (integers as {@code Long}) */
    private Object value(Object record, int i) {
        try {
            Object v = accessors[i].invoke(record);
            return v instanceof Integer || v instanceof Short || v instanceof Byte ? (Object) ((Number) v).longValue() : v;
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + record.getClass().getName(), e);
        }
    }

    Map<String, Object> toDocument(Object record) {
        Map<String, Object> doc = new LinkedHashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
            doc.put(names[i], value(record, i));
        }
        return doc;
    }

    /**
     * Writes the record's document as a JSON object, in the order and with the values
     * {@link #toDocument} gives, without building it.
     *
     * @param record a record of this codec's type
     * @param out    where the object goes
     * @param text   checks each text value before it is written (throws to refuse it)
     * @throws IOException if the generator fails
     */
    void write(Object record, JsonGenerator out, java.util.function.BiConsumer<String, String> text) throws IOException {
        out.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            Object v = value(record, i);
            out.writeFieldName(names[i]);
            if (v == null) {
                out.writeNull();
            } else if (v instanceof String str) {
                text.accept(names[i], str);
                out.writeString(str);
            } else if (v instanceof Boolean b) {
                out.writeBoolean(b);
            } else {
                out.writeNumber((Long) v);
            }
        }
        out.writeEndObject();
    }

    /**
     * @param record a record of this codec's type
     * @param name   a component's name
     * @return its value, integers as {@code Long} as in {@link #toDocument}
     */
    Object component(Object record, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return value(record, i);
            }
        }
        throw new IllegalArgumentException(name + " is not a component of " + constructor.getDeclaringClass().getName());
    }

    /** @return the record, or null when a value has an unexpected type (the caller then uses Jackson) */
    Object fromDocument(Map<String, Object> doc) {
        Object[] args = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object v = doc.get(names[i]);
            Class<?> t = types[i];
            if (v == null) {
                args[i] = t.isPrimitive() ? defaultValue(t) : null;
            } else if (t == String.class) {
                if (!(v instanceof String)) {
                    return null;
                }
                args[i] = v;
            } else if (t == boolean.class || t == Boolean.class) {
                if (!(v instanceof Boolean)) {
                    return null;
                }
                args[i] = v;
            } else {
                if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
                    return null;
                }
                long l = ((Number) v).longValue();
                if (t == long.class || t == Long.class) {
                    args[i] = l;
                } else if (t == int.class || t == Integer.class) {
                    if (l != (int) l) {
                        return null;
                    }
                    args[i] = (int) l;
                } else if (t == short.class || t == Short.class) {
                    if (l != (short) l) {
                        return null;
                    }
                    args[i] = (short) l;
                } else {
                    if (l != (byte) l) {
                        return null;
                    }
                    args[i] = (byte) l;
                }
            }
        }
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            return null; // the record's constructor refused the values: let Jackson report it
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot construct " + constructor.getDeclaringClass().getName(), e);
        }
    }

    private static Object defaultValue(Class<?> t) {
        if (t == boolean.class) {
            return false;
        }
        if (t == long.class) {
            return 0L;
        }
        if (t == int.class) {
            return 0;
        }
        if (t == short.class) {
            return (short) 0;
        }
        return (byte) 0;
    }
}
