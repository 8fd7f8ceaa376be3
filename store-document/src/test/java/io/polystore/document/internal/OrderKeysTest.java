package io.polystore.document.internal;

import io.polystore.mapping.ValueKind;
import io.polystore.mapping.Values;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Order keys must order as the API does ({@link Values#compare}, nulls first), for every ordered
 * kind, with seeded random values and the edges of each kind; and use only the characters on which
 * ICU, UTF-16 and byte order agree.
 */
class OrderKeysTest {
    private static final long SEED = Long.getLong("polystore.seed", 20261203L);

    private static int sign(int c) {
        return Integer.signum(c);
    }

    /** Every pair of values orders by key as by {@link Values#compare}, ascending and descending. */
    private static void checkOrder(ValueKind kind, List<Object> values) {
        List<Object> all = new ArrayList<>(values);
        all.add(null);
        for (Object a : all) {
            String ka = OrderKeys.of(kind, a);
            assertThat(ka).matches("[0-9a-g]+");
            for (Object b : all) {
                String kb = OrderKeys.of(kind, b);
                int expected = sign(Values.compare(kind, a, b));
                assertThat(sign(ka.compareTo(kb))).as("%s %s vs %s: keys %s, %s", kind, a, b, ka, kb).isEqualTo(expected);
                assertThat(sign(OrderKeys.descending(ka).compareTo(OrderKeys.descending(kb))))
                        .as("descending %s %s vs %s", kind, a, b).isEqualTo(-expected);
            }
        }
    }

    private static List<Object> random(int n, Function<Random, Object> gen) {
        Random r = new Random(SEED);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(gen.apply(r));
        }
        return out;
    }

    private static String text(Random r) {
        // code points from every plane that matters: ASCII, Latin, the surrogate neighbours, emoji
        int[] pool = {'a', 'b', 'A', 'Z', '0', '9', ' ', '\'', '$', '{', '}', 0x00e9, 0x0301, 0xd7ff, 0xe000, 0xfffd, 0xffff,
                0x1f600, 0x1f4a9, 0x10ffff, 0x7f, 0x80};
        StringBuilder sb = new StringBuilder();
        int len = r.nextInt(6);
        for (int i = 0; i < len; i++) {
            sb.appendCodePoint(pool[r.nextInt(pool.length)]);
        }
        return sb.toString();
    }

    @Test
    void textOrdersByCodePointNotByUtf16OrCollation() {
        List<Object> values = new ArrayList<>(random(120, OrderKeysTest::text));
        values.addAll(List.of("", "a", "a\u0000", "ab", "B", "b", "\uffff", "\ud83d\ude00", "é", "e\u0301", "'; DROP TABLE x; --"));
        checkOrder(ValueKind.STRING, values);
        checkOrder(ValueKind.UUID, random(30, r -> new java.util.UUID(r.nextLong(), r.nextLong()).toString()));
    }

    @Test
    void wholeNumbersOrderNumericallyAcrossTheSign() {
        List<Object> values = new ArrayList<>(random(100, r -> r.nextInt(3) == 0 ? (long) r.nextInt(21) - 10 : r.nextLong()));
        values.addAll(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 7, (short) 3));
        checkOrder(ValueKind.LONG, values);
    }

    @Test
    void decimalsOrderNumericallyWhateverTheirScale() {
        List<Object> values = new ArrayList<>(random(150, r -> {
            BigDecimal d = BigDecimal.valueOf(r.nextInt(2001) - 1000, r.nextInt(9) - 3);
            return r.nextBoolean() ? d : d.setScale(d.scale() + r.nextInt(3));
        }));
        values.addAll(List.of(new BigDecimal("0.00"), new BigDecimal("-0.10"), new BigDecimal("-0.1"), new BigDecimal("1E+40"),
                new BigDecimal("-1E+40"), new BigDecimal("1E-40"), new BigDecimal("-1E-40"), new BigDecimal("0.123"),
                new BigDecimal("0.12"), new BigDecimal("-0.123"), new BigDecimal("-0.12"), new BigDecimal("12345678901234567890.5"),
                3L, 0L, -2L));
        checkOrder(ValueKind.DECIMAL, values);
        // one key for one number, whatever its scale
        assertThat(OrderKeys.of(ValueKind.DECIMAL, new BigDecimal("2.50"))).isEqualTo(OrderKeys.of(ValueKind.DECIMAL, new BigDecimal("2.5")));
    }

    @Test
    void doublesOrderNumericallyWithTheTwoZerosEqual() {
        List<Object> values = new ArrayList<>(random(120, r -> switch (r.nextInt(4)) {
            case 0 -> (double) (r.nextInt(21) - 10);
            case 1 -> r.nextGaussian() * 1e6;
            case 2 -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1);
            default -> r.nextDouble();
        }));
        values.addAll(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1, 1.5f));
        checkOrder(ValueKind.DOUBLE, values);
        // infinities and NaN (which the API does not compare) still get a place: below, above and after
        String minusInf = OrderKeys.of(ValueKind.DOUBLE, Double.NEGATIVE_INFINITY);
        String plusInf = OrderKeys.of(ValueKind.DOUBLE, Double.POSITIVE_INFINITY);
        String nan = OrderKeys.of(ValueKind.DOUBLE, Double.NaN);
        assertThat(minusInf).isLessThan(OrderKeys.of(ValueKind.DOUBLE, -Double.MAX_VALUE));
        assertThat(plusInf).isGreaterThan(OrderKeys.of(ValueKind.DOUBLE, Double.MAX_VALUE)).isLessThan(nan);
    }

    @Test
    void timesOrderChronologically() {
        checkOrder(ValueKind.INSTANT, random(80, r -> Instant.ofEpochSecond(r.nextLong() % 100_000_000_000L, r.nextInt(1_000_000_000)).toString()));
        checkOrder(ValueKind.OFFSET_DATE_TIME, random(80, r -> OffsetDateTime.of(2026, 1 + r.nextInt(12), 1 + r.nextInt(28),
                r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(2) * 500_000_000, ZoneOffset.ofHours(r.nextInt(27) - 13)).toString()));
        checkOrder(ValueKind.LOCAL_DATE, random(60, r -> LocalDate.ofEpochDay(r.nextInt(2_000_000) - 1_000_000).toString()));
        checkOrder(ValueKind.LOCAL_DATE_TIME, random(60, r -> LocalDateTime.of(1 + r.nextInt(3000), 1 + r.nextInt(12), 1 + r.nextInt(28),
                r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000_000)).toString()));
        checkOrder(ValueKind.LOCAL_TIME, random(60, r -> LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L)).toString()));
        checkOrder(ValueKind.DURATION, random(60, r -> Duration.ofSeconds(r.nextInt(2_000_001) - 1_000_000, r.nextInt(1_000_000_000)).toString()));
        checkOrder(ValueKind.BOOLEAN, List.of(true, false));
    }

    @Test
    void aTupleOrdersByItsFirstKeyThenItsSecond() {
        Random r = new Random(SEED);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(new Object[] {r.nextInt(4) == 0 ? null : text(r), (long) r.nextInt(50) - 25, r.nextBoolean()});
        }
        for (Object[] a : rows) {
            for (Object[] b : rows) {
                int c = Values.compare(ValueKind.STRING, a[0], b[0]);
                int ascending = c != 0 ? c : Values.compare(ValueKind.LONG, a[1], b[1]);
                int descending = c != 0 ? -c : Values.compare(ValueKind.LONG, a[1], b[1]);
                String ka = OrderKeys.of(ValueKind.STRING, a[0]);
                String kb = OrderKeys.of(ValueKind.STRING, b[0]);
                String ia = OrderKeys.of(ValueKind.LONG, a[1]);
                String ib = OrderKeys.of(ValueKind.LONG, b[1]);
                assertThat(sign(OrderKeys.tuple(ka, ia).compareTo(OrderKeys.tuple(kb, ib)))).isEqualTo(sign(ascending));
                assertThat(sign(OrderKeys.tuple(OrderKeys.descending(ka), ia).compareTo(OrderKeys.tuple(OrderKeys.descending(kb), ib))))
                        .isEqualTo(sign(descending));
            }
        }
    }

    @Test
    void aLongKeyIsCutAndStillSortsBetweenItsNeighbours() {
        String base = "x".repeat(200);
        String shortKey = OrderKeys.bounded(OrderKeys.of(ValueKind.STRING, base.substring(0, 60)));
        String cutA = OrderKeys.bounded(OrderKeys.of(ValueKind.STRING, base + "a"));
        String cutB = OrderKeys.bounded(OrderKeys.of(ValueKind.STRING, base + "b"));
        String after = OrderKeys.bounded(OrderKeys.of(ValueKind.STRING, "y"));
        String before = OrderKeys.bounded(OrderKeys.of(ValueKind.STRING, "w".repeat(300)));
        assertThat(cutA).hasSize(OrderKeys.MAX_LENGTH + 1).isEqualTo(cutB); // one group of ties, ordered by the reader
        assertThat(OrderKeys.isCut(cutA)).isTrue();
        assertThat(OrderKeys.isCut(shortKey)).isFalse();
        assertThat(shortKey).isLessThan(cutA);
        assertThat(before).isLessThan(shortKey);
        assertThat(cutA).isLessThan(after);
        assertThat(OrderKeys.bounded(shortKey)).isSameAs(shortKey);
    }

    @Test
    void onlyOrderedValuesOfTheRightShapeHaveKeys() {
        assertThatThrownBy(() -> OrderKeys.of(ValueKind.LIST, List.of(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OrderKeys.of(ValueKind.LONG, new BigDecimal("1.5"))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> OrderKeys.descending("x0")).isInstanceOf(IllegalArgumentException.class);
    }
}
