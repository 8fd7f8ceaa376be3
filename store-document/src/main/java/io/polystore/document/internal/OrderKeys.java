package io.polystore.document.internal;

import io.polystore.mapping.ValueKind;
import io.polystore.mapping.Values;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Order keys: text whose plain character order is the API's order of the values it encodes, so that
 * a store which collates text its own way can still sort and page in the API's order.
 *
 * <p>CouchDB collates text with ICU (Unicode collation: case and accents ignored first, punctuation
 * weighted its own way), pouchdb-server compares UTF-16 code units, and the API promises code-point
 * order for text, numeric order for decimals (whatever their scale) and chronological order for
 * times, with nulls first. An order key uses only {@code 0-9} and {@code a-z}, on which ICU's root
 * collation, UTF-16 order and byte order agree (digits before letters, letters alphabetically; each
 * character has its own primary weight, so ICU compares such text character by character). Within
 * that alphabet:
 * <ul>
 *   <li>a value is a class character ({@code 1} null, {@code 9} a value) then a body written with the
 *       sixteen "nibble" characters {@code 1-9a-g}, in which a shorter body that is a prefix of a
 *       longer one sorts first, as for text;</li>
 *   <li>{@link #descending} reverses an order: every nibble complemented, then {@code h}, which is
 *       above every nibble, so that a prefix sorts <em>after</em> its extensions;</li>
 *   <li>{@link #tuple} joins keys with {@code 0}, below every other character, so the joined text
 *       orders as the tuple does;</li>
 *   <li>{@link #bounded} cuts a key longer than {@value #MAX_LENGTH} characters and marks it
 *       {@code z}: every value that shares the cut prefix gets the same key, which still sorts
 *       after every shorter key that is a prefix of it and before every key that differs earlier.
 *       A reader must order the values behind one cut key itself (they are a group of ties).</li>
 * </ul>
 *
 * <p>Bodies: whole numbers are 16 nibbles of the value with its sign bit flipped; decimals and
 * doubles are numeric (sign class, the decimal exponent in 8 nibbles, then the significant digits
 * without trailing zeros, complemented for negatives), so {@code 1.0} and {@code 1.00} get one key;
 * text is 6 nibbles per code point; times are their instant, date, or nanosecond count in nibbles.
 */
final class OrderKeys {
    /** Keys longer than this are cut ({@link #bounded}): an index entry stays small whatever the value. */
    static final int MAX_LENGTH = 400;
    /** The mark of a cut key: above every other character. */
    static final char CUT = 'z';

    private static final String NIBBLES = "123456789abcdefg";
    private static final char NULL = '1';
    private static final char VALUE = '9';
    private static final char SEPARATOR = '0';
    private static final char REVERSED_END = 'h';

    private OrderKeys() {
    }

    /**
     * @param kind   the value's kind (an ordered one)
     * @param stored a stored value of that kind, or null
     * @return its ascending key (not yet {@linkplain #bounded bounded})
     * @throws IllegalArgumentException if the kind is not ordered or the value does not fit it
     */
    static String of(ValueKind kind, Object stored) {
        if (stored == null) {
            return String.valueOf(NULL);
        }
        StringBuilder sb = new StringBuilder().append(VALUE);
        switch (kind) {
            case STRING, ENUM, UUID -> text(sb, stored.toString());
            case LONG -> {
                if (stored instanceof Long || stored instanceof Integer || stored instanceof Short || stored instanceof Byte) {
                    nibbles(sb, ((Number) stored).longValue() ^ Long.MIN_VALUE, 16);
                } else {
                    nibbles(sb, Values.decimal(stored).longValueExact() ^ Long.MIN_VALUE, 16);
                }
            }
            case DOUBLE, DECIMAL -> number(sb, stored);
            case BOOLEAN -> sb.append(NIBBLES.charAt(stored instanceof Boolean b ? (b ? 1 : 0)
                    : (Boolean.parseBoolean(stored.toString()) ? 1 : 0)));
            case INSTANT -> instant(sb, stored instanceof Instant i ? i : Instant.parse(stored.toString()));
            case OFFSET_DATE_TIME -> instant(sb, OffsetDateTime.parse(stored.toString()).toInstant());
            case LOCAL_DATE -> nibbles(sb, LocalDate.parse(stored.toString()).toEpochDay() ^ Long.MIN_VALUE, 16);
            case LOCAL_DATE_TIME -> instant(sb, LocalDateTime.parse(stored.toString()).toInstant(ZoneOffset.UTC));
            case LOCAL_TIME -> nibbles(sb, LocalTime.parse(stored.toString()).toNanoOfDay(), 16);
            case DURATION -> {
                Duration d = Duration.parse(stored.toString());
                nibbles(sb, d.getSeconds() ^ Long.MIN_VALUE, 16);
                nibbles(sb, d.getNano(), 8);
            }
            default -> throw new IllegalArgumentException(kind + " values are not ordered");
        }
        return sb.toString();
    }

    /**
     * @param ascending an ascending key (not cut)
     * @return the key of the same value in descending order
     */
    static String descending(String ascending) {
        StringBuilder sb = new StringBuilder(ascending.length() + 1);
        for (int i = 0; i < ascending.length(); i++) {
            int n = NIBBLES.indexOf(ascending.charAt(i));
            if (n < 0) {
                throw new IllegalArgumentException("not an ascending key: " + ascending);
            }
            sb.append(NIBBLES.charAt(15 - n));
        }
        return sb.append(REVERSED_END).toString();
    }

    /**
     * @param keys keys, each ascending or descending, none cut
     * @return one key ordered as the tuple of the keys
     */
    static String tuple(String... keys) {
        return String.join(String.valueOf(SEPARATOR), keys);
    }

    /**
     * @param key a key
     * @return the key, or its first {@value #MAX_LENGTH} characters and {@link #CUT} when it is longer
     */
    static String bounded(String key) {
        return key.length() <= MAX_LENGTH ? key : key.substring(0, MAX_LENGTH) + CUT;
    }

    /** @return whether a key was cut, so that several values may share it */
    static boolean isCut(String key) {
        return !key.isEmpty() && key.charAt(key.length() - 1) == CUT;
    }

    private static void text(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            nibbles(sb, cp, 6);
            i += Character.charCount(cp);
        }
    }

    private static void instant(StringBuilder sb, Instant i) {
        nibbles(sb, i.getEpochSecond() ^ Long.MIN_VALUE, 16);
        nibbles(sb, i.getNano(), 8);
    }

    /** Writes the low {@code count} nibbles of a value, most significant first (unsigned). */
    private static void nibbles(StringBuilder sb, long value, int count) {
        for (int shift = (count - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(NIBBLES.charAt((int) (value >>> shift) & 0xf));
        }
    }

    /**
     * A number in numeric order: {@code 2} minus infinity, {@code 5} negative, {@code 8} zero,
     * {@code b} positive, {@code e} plus infinity, {@code f} not a number (where the API would refuse
     * to compare, a key still has a place). A finite value {@code ±0.d1d2...dn × 10^e} (d1 not zero,
     * no trailing zeros) is its class, {@code e} in 8 nibbles and the digits; for a negative value
     * the exponent and digits are complemented and the digits end with a mark above every digit, so
     * that larger magnitudes sort first.
     */
    private static void number(StringBuilder sb, Object stored) {
        if (stored instanceof Double || stored instanceof Float) {
            double d = ((Number) stored).doubleValue();
            if (Double.isNaN(d)) {
                sb.append(NIBBLES.charAt(14));
                return;
            }
            if (Double.isInfinite(d)) {
                sb.append(NIBBLES.charAt(d > 0 ? 13 : 1));
                return;
            }
        }
        BigDecimal v = Values.decimal(stored);
        int sign = v.signum();
        if (sign == 0) {
            sb.append(NIBBLES.charAt(7));
            return;
        }
        BigDecimal abs = v.abs().stripTrailingZeros();
        String digits = abs.unscaledValue().toString();
        long exponent = (long) digits.length() - abs.scale(); // abs = 0.digits × 10^exponent
        long biased = exponent + 0x80000000L;
        if (biased < 0 || biased > 0xffffffffL) {
            throw new IllegalArgumentException("a decimal's exponent beyond 32 bits cannot be ordered: " + v);
        }
        if (sign > 0) {
            sb.append(NIBBLES.charAt(10));
            nibbles(sb, biased, 8);
            for (int i = 0; i < digits.length(); i++) {
                sb.append(NIBBLES.charAt(digits.charAt(i) - '0' + 1));
            }
        } else {
            sb.append(NIBBLES.charAt(4));
            nibbles(sb, 0xffffffffL - biased, 8);
            for (int i = 0; i < digits.length(); i++) {
                sb.append(NIBBLES.charAt(15 - (digits.charAt(i) - '0' + 1)));
            }
            sb.append(NIBBLES.charAt(15)); // above every complemented digit (at most 15 - 1)
        }
    }
}
