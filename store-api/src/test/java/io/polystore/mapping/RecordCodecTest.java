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

    @Test
    void storedBytesReadAsTheirTextReads() {
        EntityModel<Simple> model = EntityModel.of(Simple.class);
        io.polystore.spi.JsonDocuments<Simple> json = new io.polystore.spi.JsonDocuments<>(model);
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        // malformed UTF-8 (a stray continuation byte, a truncated sequence) written by another client: read as the
        // decoded text is read, with replacement characters, not refused
        byte[] malformed = "{\"id\":\"a\u0080b\",\"small\":1,\"flag\":true,\"s\":0,\"b\":0,\"nothing\":\"x\u00e9\"}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(json.entity(malformed)).isEqualTo(json.entity(new String(malformed, utf8)));
        assertThat(json.entity(malformed).id()).isEqualTo("a\uFFFDb");
        // an encoded surrogate (CESU-8) and an overlong form: Java's decoder replaces them, so must this path
        for (byte[] odd : new byte[][] {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0x80}}) {
            java.io.ByteArrayOutputStream doc = new java.io.ByteArrayOutputStream();
            doc.writeBytes("{\"id\":\"x".getBytes(utf8));
            doc.writeBytes(odd);
            doc.writeBytes("\",\"small\":1}".getBytes(utf8));
            byte[] bytes = doc.toByteArray();
            assertThat(json.entity(bytes)).isEqualTo(json.entity(new String(bytes, utf8)));
            assertThat(json.entity(bytes).id()).startsWith("x\uFFFD");
        }
        // what the text path refuses, the bytes path refuses with the same words
        for (String bad : new String[] {"", "{", "[1]", "{\"small\": {}}", "nul"}) {
            Throwable viaText = org.assertj.core.api.Assertions.catchThrowable(() -> json.entity(bad));
            assertThat(viaText).as(bad).isInstanceOf(io.polystore.MappingException.class);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> json.entity(bad.getBytes(utf8))))
                    .as(bad).isInstanceOf(io.polystore.MappingException.class).hasMessage(viaText.getMessage());
        }
        // and what it reads leniently (content after the document), the bytes path reads alike
        String trailing = "{\"id\":\"x\",\"small\":2} trailing";
        assertThat(json.entity(trailing.getBytes(utf8))).isEqualTo(json.entity(trailing)).isNotNull();
    }

    record Versioned(@Id String id, @io.polystore.annotation.Version long version, String text) {
    }

    @Test
    void documentsWrittenStraightFromTheRecordAreTheBytesOfTheDocument() {
        EntityModel<Simple> model = EntityModel.of(Simple.class);
        io.polystore.spi.JsonDocuments<Simple> json = new io.polystore.spi.JsonDocuments<>(model);
        assertThat(model.writesDocumentDirectly()).isTrue();
        String[] hostile = {"", "'; DROP TABLE x; --", "\"quoted\" \\ back", "{$gt: 1}", "\uD83D\uDE00 emoji", "\u0000\u001f\u2028",
                "é e\u0301", "x".repeat(100_000)};
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            Simple s = new Simple(hostile[r.nextInt(hostile.length)] + i, r.nextInt(), r.nextBoolean() ? null : r.nextLong(),
                    r.nextBoolean(), r.nextInt(3) == 0 ? null : r.nextBoolean(), (short) r.nextInt(), (byte) r.nextInt(),
                    r.nextInt(3) == 0 ? null : hostile[r.nextInt(hostile.length)]);
            byte[] direct = json.writeEntityBytes(s);
            assertThat(direct).isEqualTo(json.writeBytes(model.toDocument(s)));
            assertThat(json.entity(new String(direct, java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(s);
            assertThat(json.entity(direct)).as("read from the bytes").isEqualTo(s);
            assertThat(model.idOf(s)).isEqualTo(s.id());
        }
        // what toDocument refuses, the direct path refuses with the same words
        Simple lone = new Simple("id", 1, 2L, true, null, (short) 1, (byte) 1, "a\uD800b");
        Throwable viaDocument = org.assertj.core.api.Assertions.catchThrowable(() -> model.toDocument(lone));
        assertThat(viaDocument).isInstanceOf(io.polystore.MappingException.class);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> json.writeEntityBytes(lone)))
                .isInstanceOf(io.polystore.MappingException.class).hasMessage(viaDocument.getMessage());
        // types the direct path does not take are written from their document
        EntityModel<Versioned> versioned = EntityModel.of(Versioned.class);
        assertThat(versioned.writesDocumentDirectly()).isFalse();
        Versioned v = new Versioned("v", 3, "t");
        io.polystore.spi.JsonDocuments<Versioned> vjson = new io.polystore.spi.JsonDocuments<>(versioned);
        assertThat(vjson.writeEntityBytes(v)).isEqualTo(vjson.writeBytes(versioned.toDocument(v)));
        assertThat(EntityModel.of(NotSimple.class).writesDocumentDirectly()).isFalse();
    }
}
