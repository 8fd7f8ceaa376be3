package io.polystore.mapping;

import io.polystore.annotation.Id;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueTypeTest {
    record Celsius(double degrees) {
    }

    record Stamp(Instant at) {
    }

    record Broken(String text) {
    }

    record Late(String text) {
    }

    record UsesLate(@Id String id, Late late) {
    }

    record Reading(@Id String id, Celsius temperature, List<Celsius> history, Map<String, Stamp> marks, Broken broken) {
    }

    static {
        Mapping.register(ValueType.of(Celsius.class, ValueKind.DOUBLE, Celsius::degrees, s -> new Celsius((Double) s)));
        Mapping.register(ValueType.of(Stamp.class, ValueKind.INSTANT, Stamp::at, s -> new Stamp((Instant) s)));
        Mapping.register(ValueType.of(Broken.class, ValueKind.LONG, Broken::text, s -> new Broken(String.valueOf(s))));
    }

    @Test
    void fieldsOfAValueTypeHaveItsKindAndRoundTripAsItsStoredForm() {
        EntityModel<Reading> model = EntityModel.of(Reading.class);
        assertThat(model.property("temperature").orElseThrow().kind()).isEqualTo(ValueKind.DOUBLE);
        assertThat(model.property("history").orElseThrow().elementKind()).isEqualTo(ValueKind.DOUBLE);
        assertThat(model.path("marks.x").leafKind()).isEqualTo(ValueKind.INSTANT);
        Reading r = new Reading("r1", new Celsius(21.5), List.of(new Celsius(-3.25)),
                Map.of("x", new Stamp(Instant.parse("2026-12-03T10:15:30.123Z"))), null);
        Map<String, Object> doc = model.toDocument(r);
        assertThat(doc.get("temperature")).isIn(21.5, new BigDecimal("21.5"));
        assertThat(((Map<?, ?>) doc.get("marks")).get("x")).isEqualTo("2026-12-03T10:15:30.123Z");
        assertThat(model.fromDocument(doc)).isEqualTo(r);
        assertThat(model.storedOperand(model.path("temperature"), model.path("temperature").leafType(), new Celsius(4)))
                .isIn(4.0, new BigDecimal("4.0"));
    }

    @Test
    void mistakesAreRefusedNamingTheType() {
        assertThatThrownBy(() -> ValueType.of(Celsius.class, ValueKind.OBJECT, Celsius::degrees, s -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Celsius").hasMessageContaining("OBJECT");
        assertThatThrownBy(() -> ValueType.of(BigDecimal.class, ValueKind.STRING, BigDecimal::toString, s -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mapped already");
        assertThatThrownBy(() -> Mapping.register(ValueType.of(Celsius.class, ValueKind.STRING, c -> "x", s -> null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registered already");
        EntityModel<Reading> model = EntityModel.of(Reading.class);
        Reading bad = new Reading("r2", null, null, null, new Broken("not a number"));
        assertThatThrownBy(() -> model.toDocument(bad)).hasMessageContaining("Broken").hasMessageContaining("not a java.lang.Long");
    }

    @Test
    void aRegistrationAfterTheTypeWasMappedAsARecordIsRefusedNotIgnored() {
        assertThat(EntityModel.of(UsesLate.class).property("late").orElseThrow().kind()).isEqualTo(ValueKind.OBJECT);
        assertThatThrownBy(() -> Mapping.register(ValueType.of(Late.class, ValueKind.STRING, Late::text, s -> new Late((String) s))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Late").hasMessageContaining("before the first entity");
        assertThat(Mapping.valueType(Late.class)).isNull();
    }
}
