package io.polystore.spi;

import io.polystore.UnsupportedQueryException;
import io.polystore.annotation.Id;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.Values;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lowered form, printed faithfully into a language with SQL's three-valued logic (a comparison
 * with null is unknown, NOT unknown is unknown, a row is selected only when its condition is true),
 * must select exactly what the in-memory reference selects. This is the contract every printer
 * relies on: a back end that prints each node as its language's plain counterpart gets the API's
 * answers.
 */
class LoweredTest {
    record Address(String city, Long zip) {
    }

    record Item(@Id String id, String name, Long n, BigDecimal price, Boolean flag, Address address, List<String> tags) {
    }

    private static final EntityModel<Item> MODEL = EntityModel.of(Item.class);
    private static final String[] TEXTS = {"", "a", "ab", "b", "B", "a'; DROP TABLE x; --", "\uD83D\uDE00", "ab\u0000"};

    @Test
    void threeValuedPrintingOfTheLoweredFormSelectsWhatTheReferenceSelects() {
        Random random = new Random(42);
        List<Map<String, Object>> docs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            docs.add(MODEL.toDocument(randomItem(random, i)));
        }
        int guardsMattered = 0;
        for (int q = 0; q < 3000; q++) {
            Criteria c = randomCriteria(random, 3);
            Predicate<Map<String, Object>> reference = DocumentQueries.compile(MODEL, c, null);
            Lowered lowered = Lowered.of(MODEL, c);
            for (Map<String, Object> d : docs) {
                assertThat(eval(lowered, d, true) == Boolean.TRUE).as("%s on %s", c, d).isEqualTo(reference.test(d));
                if ((eval(lowered, d, false) == Boolean.TRUE) != reference.test(d)) {
                    guardsMattered++;
                }
            }
        }
        // the same printing without the guards is wrong somewhere: they are what makes NOT exact
        assertThat(guardsMattered).isPositive();
    }

    @Test
    void theExpandedCursorSelectsWhatFollowsTheCursorInTheReferenceOrder() {
        Random random = new Random(7);
        List<Map<String, Object>> docs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            docs.add(MODEL.toDocument(randomItem(random, i)));
        }
        String[] fields = {"name", "n", "price", "flag", "address.city"};
        for (int q = 0; q < 400; q++) {
            List<Sort> sort = new ArrayList<>();
            for (String f : fields) {
                if (random.nextInt(3) == 0) {
                    sort.add(random.nextBoolean() ? Sort.asc(f) : Sort.desc(f));
                }
            }
            java.util.Collections.shuffle(sort, random);
            Map<String, Object> pivot = docs.get(random.nextInt(docs.size()));
            Cursor cursor = DocumentQueries.cursorAfter(MODEL, sort, pivot);
            LoweredQuery lowered = LoweredQuery.of(MODEL, Query.all().orderBy(sort).after(cursor));
            Predicate<Map<String, Object>> reference = DocumentQueries.after(MODEL, sort, cursor);
            assertThat(lowered.order()).hasSize(sort.size() + 1);
            assertThat(lowered.order().get(sort.size()).field().tieBreak()).isTrue();
            for (Map<String, Object> d : docs) {
                assertThat(eval(lowered.after(), d, true) == Boolean.TRUE).as("%s after %s: %s", sort, pivot, d)
                        .isEqualTo(reference.test(d));
            }
        }
    }

    @Test
    void neIsANegatedGuardedEqualityAndEmptyPartsAreConstants() {
        Lowered ne = Lowered.of(MODEL, Criteria.ne("name", "x"));
        assertThat(ne).isInstanceOf(Lowered.Not.class);
        Lowered.Compare eq = (Lowered.Compare) ((Lowered.Not) ne).part();
        assertThat(eq.op()).isEqualTo(Criteria.Op.EQ);
        assertThat(eq.guarded()).isTrue();
        assertThat(((Lowered.Compare) Lowered.of(MODEL, Criteria.eq("name", "x"))).guarded()).isFalse();
        assertThat(Lowered.of(MODEL, Criteria.in("name", List.of()))).isEqualTo(Lowered.Constant.FALSE);
        assertThat(Lowered.of(MODEL, Criteria.and())).isEqualTo(Lowered.Constant.TRUE);
        assertThat(Lowered.of(MODEL, Criteria.or())).isEqualTo(Lowered.Constant.FALSE);
        // operands are in stored form: a decimal stays a BigDecimal with its scale
        Lowered.Compare price = (Lowered.Compare) Lowered.of(MODEL, Criteria.gt("price", new BigDecimal("-0.10")));
        assertThat(price.operand()).isEqualTo(new BigDecimal("-0.10"));
    }

    @Test
    void refusalsNameTheFieldAndWhatToDoInstead() {
        Map<Criteria, String> refusals = Map.of(
                Criteria.eq("tags", "x"), "Item.tags: 'compare' compares single values, but the field is a LIST; use contains",
                Criteria.eq("address", "x"), "compare its nested fields by path",
                Criteria.startsWith("n", "1"), "Item.n: startsWith needs a text field, but it is LONG",
                Criteria.contains("name", "x"), "Item.name: contains needs a collection field, but it is STRING; use eq",
                Criteria.in("tags", List.of("x")), "'in' compares single values");
        refusals.forEach((bad, message) -> {
            assertThatThrownBy(() -> Lowered.of(MODEL, bad)).isInstanceOf(UnsupportedQueryException.class).hasMessageContaining(message);
            // the in-memory reference is a printer of the lowered form: it refuses alike
            assertThatThrownBy(() -> DocumentQueries.compile(MODEL, bad, null)).hasMessageContaining(message);
        });
        assertThatThrownBy(() -> Lowered.of(MODEL, Criteria.eq("nope", 1))).hasMessageContaining("nope");
        Criteria related = Criteria.related("FOLLOWS", Criteria.Direction.OUTGOING, new io.polystore.EntityRef("Item", "1"));
        assertThatThrownBy(() -> Lowered.requireNoRelated(MODEL, Lowered.of(MODEL, Criteria.not(related))))
                .isInstanceOf(UnsupportedQueryException.class).hasMessageContaining("GraphOperations");
    }

    // ---- a three-valued printer of the lowered form ----------------------------------------------

    /** @return TRUE, FALSE or null (unknown), as SQL would compute the printed condition */
    private static Boolean eval(Lowered l, Map<String, Object> doc, boolean honourGuards) {
        if (l instanceof Lowered.Compare c) {
            Object v = DocumentQueries.valueAt(doc, c.field().path());
            if (v == null) {
                return c.guarded() && honourGuards ? Boolean.FALSE : null;
            }
            int cmp = Values.compare(c.field().kind(), v, c.operand());
            return switch (c.op()) {
                case EQ -> Values.equal(c.field().kind(), v, c.operand());
                case LT -> cmp < 0;
                case LE -> cmp <= 0;
                case GT -> cmp > 0;
                case GE -> cmp >= 0;
                case NE -> throw new AssertionError("ne is never lowered as a comparison");
            };
        }
        if (l instanceof Lowered.In in) {
            Object v = DocumentQueries.valueAt(doc, in.field().path());
            if (v == null) {
                return in.guarded() && honourGuards ? Boolean.FALSE : null;
            }
            return in.operands().stream().anyMatch(o -> Values.equal(in.field().kind(), v, o));
        }
        if (l instanceof Lowered.StartsWith s) {
            Object v = DocumentQueries.valueAt(doc, s.field().path());
            if (v == null) {
                return s.guarded() && honourGuards ? Boolean.FALSE : null;
            }
            return v.toString().startsWith(s.prefix());
        }
        if (l instanceof Lowered.IsNull n) {
            return DocumentQueries.valueAt(doc, n.field().path()) == null;
        }
        if (l instanceof Lowered.NotNull n) {
            return DocumentQueries.valueAt(doc, n.field().path()) != null;
        }
        if (l instanceof Lowered.Contains c) {
            Object v = DocumentQueries.valueAt(doc, c.field().path());
            return v instanceof List<?> list && list.stream().anyMatch(e -> Values.equal(c.elementKind(), e, c.element()));
        }
        if (l instanceof Lowered.And and) {
            Boolean out = Boolean.TRUE;
            for (Lowered p : and.parts()) {
                Boolean b = eval(p, doc, honourGuards);
                if (b == Boolean.FALSE) {
                    return false;
                }
                if (b == null) {
                    out = null;
                }
            }
            return out;
        }
        if (l instanceof Lowered.Or or) {
            Boolean out = Boolean.FALSE;
            for (Lowered p : or.parts()) {
                Boolean b = eval(p, doc, honourGuards);
                if (b == Boolean.TRUE) {
                    return true;
                }
                if (b == null) {
                    out = null;
                }
            }
            return out;
        }
        if (l instanceof Lowered.Not not) {
            Boolean b = eval(not.part(), doc, honourGuards);
            return b == null ? null : !b;
        }
        if (l instanceof Lowered.Constant k) {
            return k == Lowered.Constant.TRUE;
        }
        throw new AssertionError("unexpected " + l);
    }

    // ---- random data ----------------------------------------------------------------------------

    private static Item randomItem(Random r, int i) {
        return new Item("id" + i, r.nextInt(4) == 0 ? null : TEXTS[r.nextInt(TEXTS.length)],
                r.nextInt(4) == 0 ? null : (long) r.nextInt(5) - 2,
                r.nextInt(4) == 0 ? null : new BigDecimal(r.nextInt(5) - 2).movePointLeft(r.nextInt(3)),
                r.nextInt(3) == 0 ? null : r.nextBoolean(),
                r.nextInt(3) == 0 ? null : new Address(r.nextInt(3) == 0 ? null : TEXTS[r.nextInt(4)],
                        r.nextBoolean() ? null : (long) r.nextInt(3)),
                r.nextInt(3) == 0 ? null : List.of(TEXTS[r.nextInt(4)], TEXTS[r.nextInt(4)]));
    }

    private static Criteria randomCriteria(Random r, int depth) {
        int pick = r.nextInt(depth > 0 ? 12 : 8);
        String[] scalars = {"name", "n", "price", "address.city", "address.zip"};
        String field = scalars[r.nextInt(scalars.length)];
        Object operand = switch (field) {
            case "name", "address.city" -> TEXTS[r.nextInt(TEXTS.length)];
            case "price" -> new BigDecimal(r.nextInt(5) - 2).movePointLeft(r.nextInt(3));
            default -> (long) r.nextInt(5) - 2;
        };
        return switch (pick) {
            case 0 -> Criteria.eq(field, operand);
            case 1 -> Criteria.ne(field, operand);
            case 2 -> r.nextBoolean() ? Criteria.lt(field, operand) : Criteria.ge(field, operand);
            case 3 -> r.nextBoolean() ? Criteria.gt(field, operand) : Criteria.le(field, operand);
            case 4 -> Criteria.in(field, List.of(operand, operand instanceof String ? "b" : (Object) 1L).subList(0, r.nextInt(3)));
            case 5 -> Criteria.startsWith(r.nextBoolean() ? "name" : "address.city", TEXTS[r.nextInt(4)]);
            case 6 -> Criteria.isNull(r.nextBoolean() ? field : (r.nextBoolean() ? "address" : "tags"));
            case 7 -> r.nextBoolean() ? Criteria.contains("tags", TEXTS[r.nextInt(4)]) : Criteria.eq("flag", r.nextBoolean());
            case 8 -> Criteria.not(randomCriteria(r, depth - 1));
            case 9 -> Criteria.and(randomCriteria(r, depth - 1), randomCriteria(r, depth - 1));
            case 10 -> Criteria.or(randomCriteria(r, depth - 1), randomCriteria(r, depth - 1));
            default -> Criteria.not(Criteria.or(randomCriteria(r, depth - 1), randomCriteria(r, depth - 1)));
        };
    }
}
