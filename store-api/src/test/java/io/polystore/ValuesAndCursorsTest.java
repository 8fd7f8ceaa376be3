package io.polystore;

import io.polystore.mapping.ValueKind;
import io.polystore.mapping.Values;
import io.polystore.query.Cursor;
import io.polystore.query.Sort;
import io.polystore.spi.Redaction;
import io.polystore.spi.StoreConfig;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesAndCursorsTest {

    @Test
    void textSortsByCodePointNotByUtf16Unit() {
        String astral = "\uD83D\uDE00"; // U+1F600
        String highBmp = "\uFF5E";       // U+FF5E
        assertThat(highBmp.compareTo(astral)).as("UTF-16 order puts the emoji first").isPositive();
        assertThat(Values.compare(ValueKind.STRING, highBmp, astral)).as("code point order").isNegative();
        List<String> sorted = new ArrayList<>(List.of("b", "a", "B", "", astral, highBmp));
        sorted.sort(Values.CODE_POINT_ORDER);
        assertThat(sorted).containsExactly("", "B", "a", "b", highBmp, astral);
    }

    @Test
    void numbersCompareByValueAcrossRepresentations() {
        assertThat(Values.compare(ValueKind.DECIMAL, new BigDecimal("1.10"), new BigDecimal("1.1"))).isZero();
        assertThat(Values.compare(ValueKind.LONG, Long.MIN_VALUE, 0L)).isNegative();
        assertThat(Values.compare(ValueKind.LONG, 5, 5L)).isZero();
        assertThat(Values.compare(ValueKind.DOUBLE, new BigDecimal("0.5"), 1L)).isNegative();
        assertThat(Values.compare(ValueKind.LONG, null, Long.MIN_VALUE)).as("null first").isNegative();
    }

    @Test
    void instantsAndOffsetsCompareOnTheTimeLine() {
        assertThat(Values.compare(ValueKind.INSTANT, "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00Z")).isPositive();
        assertThat(Values.equal(ValueKind.OFFSET_DATE_TIME, "2024-01-01T05:30:00+05:30", "2024-01-01T00:00:00Z")).isTrue();
    }

    @Test
    void unorderedKindsRefuseComparison() {
        assertThatThrownBy(() -> Values.compare(ValueKind.LIST, List.of(1), List.of(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cursorTokensRoundTripAndRejectGarbage() {
        Cursor c = new Cursor(Cursor.signature("Person", List.of(Sort.desc("age"))), java.util.Arrays.asList(36L, null, "p'1"));
        Cursor back = Cursor.decode(c.encode());
        assertThat(back).isEqualTo(c);
        assertThat(c.encode()).matches("[A-Za-z0-9_-]+");
        assertThatThrownBy(() -> Cursor.decode("%%%")).isInstanceOf(UnsupportedQueryException.class);
        assertThatThrownBy(() -> back.check("Person", List.of(Sort.asc("age")))).isInstanceOf(UnsupportedQueryException.class);
    }

    @Test
    void redactionHidesPasswords() {
        assertThat(Redaction.uri("redis://user:pa:ss@host:6379/0")).isEqualTo("redis://user:***@host:6379/0");
        assertThat(Redaction.uri("jdbc:postgresql://h/db?user=u&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(Redaction.uri("redis://:onlypass@host")).isEqualTo("redis://:***@host");
        assertThat(Redaction.uri("mem:")).isEqualTo("mem:");
        assertThat(Redaction.value("password", "x")).isEqualTo("***");
        assertThat(Redaction.value("pool-size", "3")).isEqualTo("3");
    }

    @Test
    void storeOptionsAreParsedWithErrorsNamingSourceKeyAndValue() {
        StoreConfig config = new StoreConfig("main", "mem:", Map.of("size", "x", "timeout", "250ms", "flag", "yes",
                "password", "hunter2", "mode", "read-only"), "app.yaml");
        assertThat(config.durationOption("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(config.durationOption("absent", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> config.intOption("size", 1, 1, 10)).isInstanceOf(ConfigurationException.class)
                .hasMessage("app.yaml: stores.main.options.size: must be an integer, but was 'x'");
        assertThatThrownBy(() -> config.booleanOption("flag", false)).hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> config.intOption("password", 1, 1, 10)).hasMessageContaining("'***'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> config.requireKnownOptions(Set.of("size"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown option");
        assertThat(config.enumOption("mode", Mode.class, Mode.READ_WRITE)).isEqualTo(Mode.READ_ONLY);
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThat(StoreConfig.scheme("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql");
        assertThat(StoreConfig.scheme("REDIS://h")).isEqualTo("redis");
        assertThat(StoreConfig.scheme("nothing")).isEmpty();
    }

    enum Mode {
        READ_ONLY, READ_WRITE
    }
}
