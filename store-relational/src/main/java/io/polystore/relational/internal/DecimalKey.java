package io.polystore.relational.internal;

import java.math.BigDecimal;

/**
 * An order-preserving text key of a decimal: two decimals compare as their keys compare in binary
 * (code point) order, and equal values ({@code 1.0}, {@code 1.00}, {@code 1E+0}) have one key.
 * SQLite compares decimals through it (the {@code polystore_decimal} SQL function and bound keys),
 * since its own numbers are doubles.
 *
 * <p>Layout: a class character ({@code 1} negative, {@code 2} zero, {@code 3} positive); for non-zero
 * values the decimal exponent {@code e} of {@code 0.d1d2...dn × 10^e} as ten digits, offset to be
 * non-negative; then the significant digits without trailing zeros; then a terminator. Negative
 * values complement the exponent and every digit (9 - d), so that larger magnitudes sort first, and
 * end with {@code ':'} (after every digit); positive values end with {@code '!'} (before every digit).
 * The terminator appears nowhere else, so no key is a prefix of another.
 */
final class DecimalKey {
    private static final long OFFSET = 3_000_000_000L;
    private static final long MAX = 9_999_999_999L;

    private DecimalKey() {
    }

    static String of(BigDecimal d) {
        int sign = d.signum();
        if (sign == 0) {
            return "2";
        }
        BigDecimal a = d.abs().stripTrailingZeros();
        String digits = a.unscaledValue().toString();
        long exponent = digits.length() - (long) a.scale() + OFFSET;
        StringBuilder sb = new StringBuilder(digits.length() + 12);
        if (sign > 0) {
            sb.append('3');
            pad(sb, exponent);
            sb.append(digits).append('!');
        } else {
            sb.append('1');
            pad(sb, MAX - exponent);
            for (int i = 0; i < digits.length(); i++) {
                sb.append((char) ('9' - digits.charAt(i) + '0'));
            }
            sb.append(':');
        }
        return sb.toString();
    }

    /** @return the key of a decimal's text, or null for null */
    static String ofText(String text) {
        return text == null ? null : of(new BigDecimal(text.trim()));
    }

    private static void pad(StringBuilder sb, long n) {
        String s = Long.toString(n);
        for (int i = s.length(); i < 10; i++) {
            sb.append('0');
        }
        sb.append(s);
    }
}
