package io.polystore.keyvalue.internal;

import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyModel;
import io.polystore.mapping.ValueKind;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index entries of an entity's {@code @Indexed} top-level fields:
 * <ul>
 *   <li>text (String, enum, UUID): sorted set {@code t:<field>}, score 0, member {@code <value>\0<id>},
 *       answered with ZRANGEBYLEX (byte order = code point order);</li>
 *   <li>numbers, booleans, times and dates: sorted set {@code n:<field>}, member id, score the value
 *       as a double (instants in microseconds); scores may round, so queries use inclusive bounds and
 *       the exact comparison is made on the documents fetched;</li>
 *   <li>null: set {@code 0:<field>} of ids;</li>
 *   <li>lists of those: one entry per distinct element.</li>
 * </ul>
 */
final class IndexEntries {
    private IndexEntries() {
    }

    static boolean isText(ValueKind kind) {
        return kind == ValueKind.STRING || kind == ValueKind.ENUM || kind == ValueKind.UUID;
    }

    static boolean isNumeric(ValueKind kind) {
        return switch (kind) {
            case LONG, DOUBLE, DECIMAL, BOOLEAN, INSTANT, OFFSET_DATE_TIME, LOCAL_DATE, LOCAL_DATE_TIME, LOCAL_TIME, DURATION -> true;
            default -> false;
        };
    }

    /** @return whether values of this kind (or a list of them) can be indexed */
    static boolean indexable(PropertyModel p) {
        ValueKind k = p.kind() == ValueKind.LIST ? p.elementKind() : p.kind();
        return isText(k) || isNumeric(k);
    }

    static String textKey(String base, String field) {
        return base + "t:" + field;
    }

    static String numberKey(String base, String field) {
        return base + "n:" + field;
    }

    static String nullKey(String base, String field) {
        return base + "0:" + field;
    }

    /** @return the member under which a text value of an entity is indexed */
    static String member(String value, String id) {
        return value + "\0" + id;
    }

    /** The score of a stored value of a kind. */
    static double score(ValueKind kind, Object stored) {
        String s = stored.toString();
        return switch (kind) {
            case LONG -> ((Number) stored).doubleValue();
            case DOUBLE, DECIMAL -> stored instanceof Number n && !(stored instanceof BigDecimal) ? n.doubleValue()
                    : new BigDecimal(s).doubleValue();
            case BOOLEAN -> Boolean.TRUE.equals(stored) ? 1 : 0;
            case INSTANT -> micros(Instant.parse(s));
            case OFFSET_DATE_TIME -> micros(OffsetDateTime.parse(s).toInstant());
            case LOCAL_DATE -> LocalDate.parse(s).toEpochDay();
            case LOCAL_DATE_TIME -> micros(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
            case LOCAL_TIME -> LocalTime.parse(s).toNanoOfDay();
            case DURATION -> Duration.parse(s).toNanos();
            default -> throw new IllegalArgumentException(kind + " values have no score");
        };
    }

    private static double micros(Instant i) {
        return i.getEpochSecond() * 1e6 + i.getNano() / 1000;
    }

    static String scoreText(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "+inf" : "-inf";
        }
        return Double.toString(d);
    }

    /** @return the entries as the scripts read them: a JSON array of {@code ["z", key, score, member]} / {@code ["s", key, member]} */
    static List<List<Object>> of(EntityModel<?> model, String base, String id, Map<String, Object> doc) {
        List<List<Object>> out = new ArrayList<>();
        for (PropertyModel p : model.indexed()) {
            if (!indexable(p)) {
                continue;
            }
            Object v = doc.get(p.name());
            if (v == null) {
                out.add(List.of("s", nullKey(base, p.name()), id));
                continue;
            }
            boolean list = p.kind() == ValueKind.LIST;
            ValueKind kind = list ? p.elementKind() : p.kind();
            Collection<?> values = list ? new LinkedHashSet<>((Collection<?>) v) : Set.of(v);
            for (Object e : values) {
                if (e == null) {
                    continue;
                }
                if (isText(kind)) {
                    out.add(List.of("z", textKey(base, p.name()), "0", member(e.toString(), id)));
                } else {
                    out.add(List.of("z", numberKey(base, p.name()), scoreText(score(kind, e)), id));
                }
            }
        }
        return out;
    }
}
