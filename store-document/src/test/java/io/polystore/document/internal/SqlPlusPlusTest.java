package io.polystore.document.internal;

import io.polystore.EntityRef;
import io.polystore.UnsupportedQueryException;
import io.polystore.annotation.Id;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.spi.DocumentQueries;
import io.polystore.spi.Lowered;
import io.polystore.spi.LoweredQuery;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.polystore.query.Criteria.and;
import static io.polystore.query.Criteria.contains;
import static io.polystore.query.Criteria.eq;
import static io.polystore.query.Criteria.ge;
import static io.polystore.query.Criteria.gt;
import static io.polystore.query.Criteria.in;
import static io.polystore.query.Criteria.isNull;
import static io.polystore.query.Criteria.lt;
import static io.polystore.query.Criteria.ne;
import static io.polystore.query.Criteria.not;
import static io.polystore.query.Criteria.or;
import static io.polystore.query.Criteria.startsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SQL++ printing without a server: the text, the parameters, and when the condition is exact. */
class SqlPlusPlusTest {
    enum Kind { A, B }

    record Address(String city, Long zip) {
    }

    record Doc(@Id String id, String name, Long n, BigDecimal price, Boolean flag, Kind kind, Instant at,
               Address address, List<String> tags, List<Address> places) {
    }

    private static final EntityModel<Doc> MODEL = EntityModel.of(Doc.class);
    private final SqlPlusPlus sql = new SqlPlusPlus(MODEL);

    private SqlPlusPlus.Where print(Criteria c) {
        return sql.where(Lowered.of(MODEL, c));
    }

    @Test
    void everyOperatorOnTextPrintsExactlyWithNamedParameters() {
        assertThat(print(eq("name", "x")).text()).isEqualTo("c.doc.`name` = $p0");
        assertThat(print(lt("name", "x")).text()).isEqualTo("c.doc.`name` < $p0");
        assertThat(print(ge("name", "x")).text()).isEqualTo("c.doc.`name` >= $p0");
        assertThat(print(in("name", "x", "y")).params()).containsEntry("p0", List.of("x", "y"));
        assertThat(print(startsWith("name", "a%_")).text()).isEqualTo("POSITION(c.doc.`name`, $p0) = 0");
        assertThat(print(isNull("name")).text()).isEqualTo("c.doc.`name` IS NOT VALUED");
        assertThat(print(contains("tags", "t")).text()).isEqualTo("(ANY e IN c.doc.`tags` SATISFIES e = $p0 END)");
        assertThat(print(eq("kind", Kind.B)).params()).containsEntry("p0", "B");
        assertThat(print(eq("flag", true)).exact()).isTrue();
        for (Criteria c : List.of(eq("name", "x"), in("name", "x"), startsWith("name", "x"), isNull("address"),
                contains("tags", "t"), eq("address.city", "x"), and(eq("name", "x"), eq("kind", Kind.A)))) {
            assertThat(print(c).exact()).as("%s", c).isTrue();
        }
    }

    @Test
    void dottedPathsAreQuotedSegmentBySegment() {
        assertThat(print(eq("address.city", "Paris")).text()).isEqualTo("c.doc.`address`.`city` = $p0");
    }

    @Test
    void notAndNeGuardTheirLeavesSoThatAMissingFieldIsFalseNotMissing() {
        assertThat(print(ne("name", "x")).text()).isEqualTo("NOT ((c.doc.`name` IS VALUED AND c.doc.`name` = $p0))");
        assertThat(print(not(or(eq("name", "x"), isNull("kind")))).text())
                .isEqualTo("NOT (((c.doc.`name` IS VALUED AND c.doc.`name` = $p0) OR c.doc.`kind` IS NOT VALUED))");
    }

    @Test
    void numbersThatADoubleMayRoundNarrowWithNonStrictBoundsAndAreNeverExact() {
        SqlPlusPlus.Where small = print(lt("n", 5L));
        assertThat(small.text()).isEqualTo("c.doc.`n` < $p0");
        assertThat(small.exact()).isTrue();
        SqlPlusPlus.Where big = print(lt("n", (1L << 53) + 1));
        assertThat(big.text()).isEqualTo("c.doc.`n` <= $p0");
        assertThat(big.exact()).isFalse();
        SqlPlusPlus.Where decimal = print(gt("price", new BigDecimal("0.10")));
        assertThat(decimal.text()).isEqualTo("c.doc.`price` >= $p0");
        assertThat(decimal.exact()).isFalse();
        // the negation of a superset would be a subset: it narrows nothing
        assertThat(print(not(gt("price", BigDecimal.ONE))).text()).isNull();
        assertThat(print(and(eq("name", "x"), not(gt("price", BigDecimal.ONE)))).text()).isEqualTo("(c.doc.`name` = $p0)");
        assertThat(print(or(eq("name", "x"), not(gt("price", BigDecimal.ONE)))).text()).isNull();
    }

    @Test
    void timesAndPathsThroughCollectionsNarrowNothing() {
        assertThat(print(gt("at", Instant.EPOCH)).text()).isNull();
        assertThat(print(eq("places.city", "x")).text()).isNull();
        assertThat(print(eq("places.city", "x")).exact()).isFalse();
    }

    @Test
    void theKeysetCursorPrintsItsExpansionWithTheIdTieBreak() {
        Doc pivot = new Doc("id'1", "b", null, null, null, null, null, null, null, null);
        Query q = Query.all().orderBy(Sort.asc("name"), Sort.desc("n"));
        var cursor = DocumentQueries.cursorAfter(MODEL, q.sort(), MODEL.toDocument(pivot));
        LoweredQuery lowered = LoweredQuery.of(MODEL, q.after(cursor));
        SqlPlusPlus.Where after = sql.where(lowered.after());
        assertThat(after.text()).isEqualTo("((c.doc.`name` > $p0) OR (c.doc.`name` = $p1 AND FALSE)"
                + " OR (c.doc.`name` = $p2 AND c.doc.`n` IS NOT VALUED AND c.doc.`id` > $p3))");
        assertThat(after.params()).containsEntry("p0", "b").containsEntry("p3", "id'1");
        assertThat(after.exact()).isTrue();
    }

    @Test
    void hostileStringsTravelAsParametersNeverAsText() {
        for (String hostile : List.of("'; DROP TABLE x; --", "` OR 1=1 --", "$p0", "{}", "\uD83D\uDE00", "a\"b\\c")) {
            SqlPlusPlus.Where w = print(or(eq("name", hostile), startsWith("address.city", hostile)));
            assertThat(w.text()).as("the text is the same whatever the value").isEqualTo("(c.doc.`name` = $p0 OR POSITION(c.doc.`address`.`city`, $p1) = 0)");
            assertThat(w.params()).containsEntry("p0", hostile).containsEntry("p1", hostile);
        }
        assertThatThrownBy(() -> SqlPlusPlus.quote("a`b")).isInstanceOf(UnsupportedQueryException.class);
    }

    @Test
    void relationshipCriteriaAreRefusedByName() {
        Criteria r = Criteria.related("FOLLOWS", Criteria.Direction.OUTGOING, new EntityRef("Doc", "1"));
        assertThatThrownBy(() -> print(and(eq("name", "x"), r))).isInstanceOf(UnsupportedQueryException.class)
                .hasMessageContaining("GraphOperations");
    }

    @Test
    void parameterNamesDoNotCollideWithThoseAlreadyThere() {
        Map<String, Object> params = new java.util.LinkedHashMap<>(Map.of("type", "Doc", "now", 1L));
        SqlPlusPlus.Where w = sql.where(Lowered.of(MODEL, and(eq("name", "x"), eq("kind", Kind.A))), params);
        assertThat(w.params()).containsKeys("type", "now", "p2", "p3");
    }

    record Numbered(@Id Long id, String name) {
    }

    @Test
    void queriesOrderedByTextAndBooleansWithExactConditionsArePushedDownWhole() {
        Doc pivot = new Doc("id'1", "b'; DROP", null, null, true, Kind.B, null, null, null, null);
        Query q = Query.where(and(eq("kind", Kind.B), ne("name", "x"))).orderBy(Sort.desc("name"), Sort.asc("flag"));
        var cursor = DocumentQueries.cursorAfter(MODEL, q.sort(), MODEL.toDocument(pivot));
        Map<String, Object> params = new java.util.LinkedHashMap<>(Map.of("type", "Doc"));
        String rest = sql.pushdown(LoweredQuery.of(MODEL, q.after(cursor).limit(10)), params);
        assertThat(rest).isEqualTo(" AND (c.doc.`kind` = $p1 AND NOT ((c.doc.`name` IS VALUED AND c.doc.`name` = $p2)))"
                + " AND (((c.doc.`name` < $p3 OR c.doc.`name` IS NOT VALUED)) OR (c.doc.`name` = $p4 AND c.doc.`flag` > $p5)"
                + " OR (c.doc.`name` = $p6 AND c.doc.`flag` = $p7 AND c.doc.`id` > $p8))"
                + " ORDER BY IFMISSING(c.doc.`name`, NULL) DESC, IFMISSING(c.doc.`flag`, NULL) ASC, IFMISSING(c.doc.`id`, NULL) ASC");
        assertThat(params).containsEntry("type", "Doc").containsEntry("p1", "B").containsEntry("p3", "b'; DROP")
                .containsEntry("p5", true).containsEntry("p8", "id'1");
        assertThat(sql.pushdown(LoweredQuery.of(MODEL, Query.all()), new java.util.LinkedHashMap<>()))
                .isEqualTo(" ORDER BY IFMISSING(c.doc.`id`, NULL) ASC");
    }

    @Test
    void queriesSqlPlusPlusWouldOrderOrFilterOtherwiseAreNotPushedDown() {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        for (Query q : List.of(
                Query.all().orderBy(Sort.asc("n")),                              // numbers compare as doubles
                Query.all().orderBy(Sort.asc("price")),
                Query.all().orderBy(Sort.desc("at")),                            // ISO text is not time order
                Query.where(gt("price", new BigDecimal("1.5"))),                  // an inexact condition
                Query.where(eq("at", Instant.EPOCH)).orderBy(Sort.asc("name")),
                Query.where(contains("places", new Address("x", 1L))))) {
            assertThat(sql.pushdown(LoweredQuery.of(MODEL, q), params)).as("%s", q).isNull();
        }
        assertThat(params).as("nothing is added for a query that is not pushed down").isEmpty();
        SqlPlusPlus numbered = new SqlPlusPlus(EntityModel.of(Numbered.class));
        assertThat(numbered.pushdown(LoweredQuery.of(EntityModel.of(Numbered.class), Query.all().orderBy(Sort.asc("name"))), params))
                .as("whole-number ids, the tie-break of every order, compare as doubles").isNull();
    }
}
