package io.polystore.pagecache;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three forms of RFC 9110 §5.6.7 and nothing else. */
class HttpDatesTest {
    private static final long NOW = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();
    private static final long NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();

    @Test
    void theThreeFormsOfTheRfcAreTheSameInstant() {
        assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDates.parse("  Sun, 06 Nov 1994 08:49:37 GMT ", NOW)).as("optional whitespace around the value")
                .isEqualTo(NOV_6_1994);
        assertThat(HttpDates.parse("Wed, 31 Dec 2025 23:59:60 GMT", NOW)).as("a leap second")
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void theCachesOwnDatesAreImfFixdatesEvenBeforeTheTenth() {
        String written = io.polystore.pagecache.internal.CaptureResponse.httpDate(NOV_6_1994);
        assertThat(written).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.parse(written, NOW)).isEqualTo(NOV_6_1994);
    }

    @Test
    void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
        assertThat(HttpDates.parse("Tuesday, 01-Jan-80 00:00:00 GMT", NOW)).as("2080 is 54 years ahead: 1980")
                .isEqualTo(Instant.parse("1980-01-01T00:00:00Z").toEpochMilli());
        assertThat(HttpDates.parse("Tuesday, 01-Jan-70 00:00:00 GMT", NOW)).as("2070 is 44 years ahead: 2070")
                .isEqualTo(Instant.parse("2070-01-01T00:00:00Z").toEpochMilli());
        assertThat(HttpDates.parse("Friday, 01-Jan-27 00:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
        assertThat(HttpDates.parse("Wednesday, 01-Jan-77 00:00:00 GMT", NOW))
                .as("2077 is more than 50 years ahead of 2026").isEqualTo(Instant.parse("1977-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void anythingTheStrictGrammarRejectsIsInvalid() {
        for (String bad : List.of("Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
                "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000", "Sun, 06 Nov 1994 08:49 GMT",
                "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
                "Sun,  06 Nov 1994 08:49:37 GMT", "06 Nov 1994 08:49:37 GMT", "0", "-1", "", "tomorrow",
                "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "1994-11-06T08:49:37Z")) {
            assertThat(HttpDates.parse(bad, NOW)).as(bad).isEqualTo(-1);
        }
        assertThat(HttpDates.parse(null, NOW)).isEqualTo(-1);
    }
}
