package io.polystore.mapping;

import com.fasterxml.jackson.core.type.TypeReference;
import io.polystore.annotation.Id;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The record fast path produces exactly what the Jackson path produces, and falls back when it cannot. */
class RecordCodecTest {
    record Simple(@Id String id, int small, Long big, boolean flag, Boolean boxed, short s, byte b, String nothing) {
    }

    record NotSimple(@Id String id, double d) {
    }

    @Test
    void simpleRecordsUseTheFastPathWithTheSameDocuments() {
        assertThat(RecordCodec.of(Simple.class)).isNotNull();
        assertThat(RecordCodec.of(NotSimple.class)).as("doubles go through Jackson").isNull();
        Simple s = new Simple("x", Integer.MIN_VALUE, Long.MAX_VALUE, true, null, (short) -3, (byte) 7, null);
        Map<String, Object> viaJackson = io.polystore.spi.Json.newObjectMapper().convertValue(s, new TypeReference<LinkedHashMap<String, Object>>() {
        });
        EntityModel<Simple> model = EntityModel.of(Simple.class);
        Map<String, Object> fast = model.toDocument(s);
        assertThat(fast).isEqualTo(viaJackson);
        assertThat(fast.keySet()).containsExactlyElementsOf(viaJackson.keySet());
        assertThat(fast.get("small")).isInstanceOf(Long.class);
        assertThat(model.fromDocument(fast)).isEqualTo(s);
    }

    @Test
    void unexpectedValuesFallBackToJackson() {
        EntityModel<Simple> model = EntityModel.of(Simple.class);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", "x");
        doc.put("small", "42");          // text where a number is expected: Jackson coerces it
        doc.put("big", 5);               // Integer instead of Long
        doc.put("flag", null);           // null primitive: default value
        doc.put("nothing", 12);          // a number for a String field: Jackson writes it as text
        Simple s = model.fromDocument(doc);
        assertThat(s).isEqualTo(new Simple("x", 42, 5L, false, null, (short) 0, (byte) 0, "12"));
    }
}
