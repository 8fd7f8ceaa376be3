package io.polystore.relational.internal;

import io.polystore.MappingException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stored JSON read back into the document form, in one pass. */
class ParseJsonTest {
    @Test
    void readsEveryKindInItsStoredForm() {
        Object doc = Dialect.parseJson("{\"s\":\"a\\\"b 😀 '; DROP\",\"n\":7,\"big\":123456789012345678901234567890,"
                + "\"min\":-9223372036854775808,\"d\":1.50,\"e\":1E+308,\"t\":true,\"f\":false,\"z\":null,"
                + "\"list\":[1,\"x\",[2],{\"k\":null}],\"o\":{\"b\":2,\"a\":1}}");
        assertThat(doc).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) doc;
        assertThat(m.keySet()).containsExactly("s", "n", "big", "min", "d", "e", "t", "f", "z", "list", "o");
        assertThat(m.get("s")).isEqualTo("a\"b 😀 '; DROP");
        assertThat(m.get("n")).isEqualTo(7L);
        assertThat(m.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(m.get("min")).isEqualTo(Long.MIN_VALUE);
        assertThat(m.get("d")).isEqualTo(new BigDecimal("1.50"));
        assertThat(m.get("e")).isEqualTo(new BigDecimal("1E+308"));
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m.get("f")).isEqualTo(false);
        assertThat(m.containsKey("z")).isTrue();
        assertThat(m.get("z")).isNull();
        assertThat(m.get("list")).isEqualTo(Arrays.asList(1L, "x", List.of(2L), java.util.Collections.singletonMap("k", null)));
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) m.get("o")).keySet())).containsExactly("b", "a");
    }

    @Test
    void scalarsAndNullAtTheTopLevel() {
        assertThat(Dialect.parseJson("[]")).isEqualTo(List.of());
        assertThat(Dialect.parseJson("\"x\"")).isEqualTo("x");
        assertThat(Dialect.parseJson("null")).isNull();
    }

    @Test
    void brokenJsonIsAMappingErrorNotAPartialValue() {
        assertThatThrownBy(() -> Dialect.parseJson("{\"a\":1")).isInstanceOf(MappingException.class)
                .hasMessageContaining("stored JSON cannot be read");
        assertThatThrownBy(() -> Dialect.parseJson("{\"a\":1} {")).isInstanceOf(MappingException.class)
                .hasMessageContaining("after the value");
        assertThatThrownBy(() -> Dialect.parseJson("")).isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> Dialect.parseJson("[".repeat(5000))).isInstanceOf(MappingException.class);
    }
}
