package io.polystore.pagecache.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirectivesTest {
    @Test
    void parsesNamesValuesAndQuotedStringsAcrossHeaderLines() {
        Directives d = Directives.parse(List.of("Public, MAX-AGE=60, no-cache=\"Set-Cookie, X-A\"", "s-maxage=5"));
        assertThat(d.has("public")).isTrue();
        assertThat(d.seconds("max-age")).isEqualTo(60);
        assertThat(d.seconds("s-maxage")).isEqualTo(5);
        assertThat(d.has("no-cache")).isTrue();
        assertThat(d.has("set-cookie")).isFalse();
    }

    @Test
    void badOrMissingSecondsAreMinusOneAndHugeOnesAreCapped() {
        Directives d = Directives.parse(List.of("max-age=abc, s-maxage=-1, stale-if-error=99999999999999"));
        assertThat(d.seconds("max-age")).isEqualTo(-1);
        assertThat(d.seconds("s-maxage")).isEqualTo(-1);
        assertThat(d.seconds("stale-if-error")).isEqualTo(2147483648L);
        assertThat(d.seconds("absent")).isEqualTo(-1);
        assertThat(Directives.parse(null).isEmpty()).isTrue();
        assertThat(Directives.parse(List.of(", ,")).isEmpty()).isTrue();
    }

    @Test
    void theFirstOccurrenceOfADirectiveWins() {
        assertThat(Directives.parse(List.of("max-age=5, max-age=600")).seconds("max-age")).isEqualTo(5);
    }
}
