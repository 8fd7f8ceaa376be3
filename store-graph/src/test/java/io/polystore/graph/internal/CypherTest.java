package io.polystore.graph.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CypherTest {
    @Test
    void namesAreQuotedWithTheirBackticksDoubled() {
        assertThat(Cypher.quote("Person")).isEqualTo("`Person`");
        assertThat(Cypher.quote("a`b")).isEqualTo("`a``b`");
        assertThat(Cypher.quote("`) DETACH DELETE n //")).isEqualTo("```) DETACH DELETE n //`");
    }

    @Test
    void emptyNulAndOverlongNamesAreRefused() {
        assertThatThrownBy(() -> Cypher.quote("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Cypher.quote("a\0b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> Cypher.quote("x".repeat(Cypher.MAX_NAME + 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schemaNamesDifferPerPartsAndAreIdentifiers() {
        String a = Cypher.schemaName("ix", "User", "name");
        assertThat(a).matches("polystore_ix_[0-9a-f]{32}");
        assertThat(Cypher.schemaName("ix", "Username", "")).isNotEqualTo(Cypher.schemaName("ix", "User", "name"));
        assertThat(Cypher.schemaName("ix", "User", "name")).isEqualTo(a);
    }
}
