package io.polystore.mapping;

import com.fasterxml.jackson.databind.JavaType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** Maps Java types to {@link ValueKind}s. */
final class Kinds {
    private static final Map<Class<?>, ValueKind> KINDS = Map.ofEntries(
            Map.entry(String.class, ValueKind.STRING),
            Map.entry(Character.class, ValueKind.STRING),
            Map.entry(char.class, ValueKind.STRING),
            Map.entry(java.net.URI.class, ValueKind.STRING),
            Map.entry(java.util.Locale.class, ValueKind.STRING),
            Map.entry(java.util.Currency.class, ValueKind.STRING),
            Map.entry(long.class, ValueKind.LONG),
            Map.entry(Long.class, ValueKind.LONG),
            Map.entry(int.class, ValueKind.LONG),
            Map.entry(Integer.class, ValueKind.LONG),
            Map.entry(short.class, ValueKind.LONG),
            Map.entry(Short.class, ValueKind.LONG),
            Map.entry(byte.class, ValueKind.LONG),
            Map.entry(Byte.class, ValueKind.LONG),
            Map.entry(double.class, ValueKind.DOUBLE),
            Map.entry(Double.class, ValueKind.DOUBLE),
            Map.entry(float.class, ValueKind.DOUBLE),
            Map.entry(Float.class, ValueKind.DOUBLE),
            Map.entry(BigDecimal.class, ValueKind.DECIMAL),
            Map.entry(BigInteger.class, ValueKind.DECIMAL),
            Map.entry(boolean.class, ValueKind.BOOLEAN),
            Map.entry(Boolean.class, ValueKind.BOOLEAN),
            Map.entry(UUID.class, ValueKind.UUID),
            Map.entry(Instant.class, ValueKind.INSTANT),
            Map.entry(OffsetDateTime.class, ValueKind.OFFSET_DATE_TIME),
            Map.entry(LocalDate.class, ValueKind.LOCAL_DATE),
            Map.entry(LocalDateTime.class, ValueKind.LOCAL_DATE_TIME),
            Map.entry(LocalTime.class, ValueKind.LOCAL_TIME),
            Map.entry(Duration.class, ValueKind.DURATION),
            Map.entry(byte[].class, ValueKind.BYTES));

    private Kinds() {
    }

    /** @return whether the mapping model knows the class without a {@link ValueType} */
    static boolean builtIn(Class<?> type) {
        return KINDS.containsKey(type);
    }

    static ValueKind of(JavaType type) {
        Class<?> raw = type.getRawClass();
        ValueKind kind = KINDS.get(raw);
        if (kind != null) {
            return kind;
        }
        ValueType<?> custom = Mapping.valueType(raw);
        if (custom != null) {
            return custom.kind();
        }
        if (raw.isEnum()) {
            return ValueKind.ENUM;
        }
        if (type.isMapLikeType()) {
            return ValueKind.MAP;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return ValueKind.LIST;
        }
        MAPPED_AS_RECORDS.add(raw);
        return ValueKind.OBJECT;
    }

    /** Classes already mapped as nested records: a value type registered for one of them now would come too late. */
    static final java.util.Set<Class<?>> MAPPED_AS_RECORDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
