package io.polystore.document.internal;

import io.polystore.annotation.Id;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Criteria;
import io.polystore.spi.JsonDocuments;
import io.polystore.spi.Lowered;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.polystore.query.Criteria.and;
import static io.polystore.query.Criteria.contains;
import static io.polystore.query.Criteria.eq;
import static io.polystore.query.Criteria.gt;
import static io.polystore.query.Criteria.in;
import static io.polystore.query.Criteria.isNull;
import static io.polystore.query.Criteria.lt;
import static io.polystore.query.Criteria.ne;
import static io.polystore.query.Criteria.not;
import static io.polystore.query.Criteria.or;
import static io.polystore.query.Criteria.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Mango selectors: built as data, only narrowing, in the shapes every CouchDB-API server reads right. */
class MangoTest {
    record Address(String city) {
    }

    record Doc(@Id String id, String name, Long n, BigDecimal price, Boolean flag, Instant at, Address address,
               List<String> tags) {
    }

    private static final EntityModel<Doc> MODEL = EntityModel.of(Doc.class);
    private static final JsonDocuments<Doc> JSON = new JsonDocuments<>(MODEL);

    private static String print(Criteria c) {
        Map<String, Object> s = Mango.selector(Lowered.of(MODEL, c));
        return s == null ? null : JSON.write(s);
    }

    @Test
    void leavesBecomeFieldConditionsOnTheProjection() {
        assertThat(print(eq("name", "x"))).isEqualTo("{\"doc.name\":{\"$eq\":\"x\"}}");
        assertThat(print(eq("address.city", "x"))).isEqualTo("{\"doc.address.city\":{\"$eq\":\"x\"}}");
        assertThat(print(in("n", 1L, 2L))).isEqualTo("{\"doc.n\":{\"$in\":[1,2]}}");
        assertThat(print(contains("tags", "t"))).isEqualTo("{\"doc.tags\":{\"$elemMatch\":{\"$eq\":\"t\"}}}");
        assertThat(print(isNull("name"))).as("left to the exact check").isNull();
        assertThat(print(startsWith("name", "a.b*("))).isEqualTo("{\"doc.name\":{\"$regex\":\"^a\\\\.b\\\\*\\\\(\"}}");
    }

    @Test
    void whatCouchDbComparesDifferentlyNarrowsLessNeverWrongly() {
        // numbers are doubles there: ranges keep their bound
        assertThat(print(lt("n", 5L))).isEqualTo("{\"doc.n\":{\"$lte\":5}}");
        assertThat(print(gt("price", new BigDecimal("0.10")))).isEqualTo("{\"doc.price\":{\"$gte\":0.10}}");
        // text collates with ICU there, not by code point; times are text
        assertThat(print(lt("name", "b"))).isNull();
        assertThat(print(gt("at", Instant.EPOCH))).isNull();
        // NOT over a superset would be a subset
        assertThat(print(not(eq("name", "x")))).isNull();
        assertThat(print(ne("name", "x"))).isNull();
        assertThat(print(and(eq("name", "x"), lt("name", "z")))).isEqualTo("{\"doc.name\":{\"$eq\":\"x\"}}");
        assertThat(print(or(eq("name", "x"), lt("name", "z")))).isNull();
    }

    @Test
    void selectorsKeepTheShapesPouchdbServerReadsRight() {
        // nested $or is flattened; a conjunction inside a disjunction narrows nothing
        assertThat(print(or(or(eq("name", "a"), eq("name", "b")), eq("n", 1L))))
                .isEqualTo("{\"$or\":[{\"doc.name\":{\"$eq\":\"a\"}},{\"doc.name\":{\"$eq\":\"b\"}},{\"doc.n\":{\"$eq\":1}}]}");
        assertThat(print(or(and(eq("name", "x"), eq("n", 1L)), eq("n", 2L)))).isNull();
        // one $or per conjunction: the second is left out
        assertThat(print(and(or(eq("name", "a"), eq("n", 1L)), or(eq("name", "b"), eq("n", 2L)), eq("flag", true))))
                .isEqualTo("{\"$and\":[{\"$or\":[{\"doc.name\":{\"$eq\":\"a\"}},{\"doc.n\":{\"$eq\":1}}]},"
                        + "{\"doc.flag\":{\"$eq\":true}}]}");
        // nested $and is spliced
        assertThat(print(and(eq("name", "x"), and(eq("n", 1L), eq("flag", true)))))
                .isEqualTo("{\"$and\":[{\"doc.name\":{\"$eq\":\"x\"}},{\"doc.n\":{\"$eq\":1}},{\"doc.flag\":{\"$eq\":true}}]}");
        // $regex inside $or narrows nothing there
        assertThat(print(or(startsWith("name", "a"), eq("n", 1L)))).isNull();
    }

    @Test
    void operandsAreValuesWhateverTheyLookLike() {
        for (String hostile : List.of("{\"$gt\": \"\"}", "$or", "\\", "\"", "'; DROP", "\uD83D\uDE00")) {
            Map<String, Object> s = Mango.selector(Lowered.of(MODEL, eq("name", hostile)));
            assertThat(s).isEqualTo(Map.of("doc.name", Map.of("$eq", hostile)));
            assertThat(JsonDocuments.parse(JSON.write(s))).isEqualTo(s);
        }
        assertThat(Mango.prefixPattern("a\u0000")).isNull();
        assertThat(Mango.prefixPattern("\uD83D\uDE00.")).isEqualTo("^\uD83D\uDE00\\.");
    }
}
