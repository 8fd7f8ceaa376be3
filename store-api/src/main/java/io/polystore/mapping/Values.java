package io.polystore.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Comparator;

/**
 * Comparison of stored (document) values by {@link ValueKind}, with the ordering every back end
 * must reproduce: {@code null} first, text by code point, numbers numerically, instants on the time line.
 */
public final class Values {
    /** Orders strings by Unicode code point (binary UTF-8 order), unlike {@link String#compareTo}. */
    public static final Comparator<String> CODE_POINT_ORDER = Values::compareCodePoints;

    private Values() {
    }

    /**
     * Compares two stored values of one kind.
     *
     * @param kind the kind of both values
     * @param a    a stored value or {@code null}
     * @param b    a stored value or {@code null}
     * @return negative, zero or positive; {@code null} is smaller than any value
     * @throws IllegalArgumentException if the kind is not ordered
     */
    public static int compare(ValueKind kind, Object a, Object b) {
        if (a == null || b == null) {
            return a == b ? 0 : (a == null ? -1 : 1);
        }
        return switch (kind) {
            case STRING, ENUM, UUID, BYTES -> compareCodePoints(a.toString(), b.toString());
            case LONG -> {
                if (a instanceof Long x && b instanceof Long y) {
                    yield Long.compare(x, y);
                }
                yield decimal(a).compareTo(decimal(b));
            }
            case DOUBLE, DECIMAL -> decimal(a).compareTo(decimal(b));
            case BOOLEAN -> Boolean.compare(bool(a), bool(b));
            case INSTANT -> instant(a).compareTo(instant(b));
            case OFFSET_DATE_TIME -> OffsetDateTime.parse(a.toString()).toInstant()
                    .compareTo(OffsetDateTime.parse(b.toString()).toInstant());
            case LOCAL_DATE -> LocalDate.parse(a.toString()).compareTo(LocalDate.parse(b.toString()));
            case LOCAL_DATE_TIME -> LocalDateTime.parse(a.toString()).compareTo(LocalDateTime.parse(b.toString()));
            case LOCAL_TIME -> LocalTime.parse(a.toString()).compareTo(LocalTime.parse(b.toString()));
            case DURATION -> Duration.parse(a.toString()).compareTo(Duration.parse(b.toString()));
            case OBJECT, LIST, MAP -> throw new IllegalArgumentException(kind + " values are not ordered");
        };
    }

    /**
     * Equality of two stored values of one kind: like {@link #compare} for ordered kinds (so
     * {@code 1.0} equals {@code 1.00} and two offsets naming the same instant are equal), else
     * {@link Object#equals}.
     *
     * @param kind the kind of both values
     * @param a    a stored value or {@code null}
     * @param b    a stored value or {@code null}
     * @return whether they are equal
     */
    public static boolean equal(ValueKind kind, Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (kind.isOrdered()) {
            return compare(kind, a, b) == 0;
        }
        return a.equals(b);
    }

    /**
     * @param a text
     * @param b text
     * @return the code point order of the two
     */
    public static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, which must sort after
                // U+E000..U+FFFF; plain UTF-16 order would put them before.
                boolean xs = Character.isSurrogate(x);
                boolean ys = Character.isSurrogate(y);
                if (xs != ys) {
                    return xs ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /**
     * The exact numeric value of a stored number, as {@link #compare} sees it.
     *
     * @param o a stored number: any {@link Number}, or its text
     * @return its value; a {@code double} is converted through its shortest decimal text
     * @throws NumberFormatException if {@code o} is text that is not a number
     */
    public static BigDecimal decimal(Object o) {
        if (o instanceof BigDecimal d) {
            return d;
        }
        if (o instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return BigDecimal.valueOf(((Number) o).longValue());
        }
        if (o instanceof Number n) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return new BigDecimal(o.toString());
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b ? b : Boolean.parseBoolean(o.toString());
    }

    private static Instant instant(Object o) {
        return o instanceof Instant i ? i : Instant.parse(o.toString());
    }
}
