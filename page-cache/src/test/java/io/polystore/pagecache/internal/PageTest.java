package io.polystore.pagecache.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class PageTest {
    @Test
    void encodesAndDecodesEveryField() throws Exception {
        byte[] identity = "h\u00e9llo \uD83D\uDE00 '; DROP TABLE x; {} $".repeat(50).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(identity);
        }
        Page p = new Page("http://h/p?a=1", 200, 1000, 2000, 60_000, 5000, 7000, "\"e\"", "Tue, 10 Nov 2026 08:00:00 GMT",
                true, "Tue, 10 Nov 2026 08:00:02 GMT", 600_000, true, "accept-language", List.of("Content-Type", "text/html", "X-A", "\u00e9"), List.of("t1", "t2"),
                gz.toByteArray(), null);
        Page back = Page.decode(p.encode());
        assertThat(back).isNotNull();
        assertThat(back.url()).isEqualTo(p.url());
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.ageMillis(1000)).isEqualTo(2000);
        assertThat(back.freshMillis()).isEqualTo(60_000);
        assertThat(back.staleWhileRevalidateMillis()).isEqualTo(5000);
        assertThat(back.staleIfErrorMillis()).isEqualTo(7000);
        assertThat(back.etag()).isEqualTo("\"e\"");
        assertThat(back.lastModified()).isEqualTo(p.lastModified());
        assertThat(back.etagFromOrigin()).isTrue();
        assertThat(back.hasValidator()).isTrue();
        assertThat(back.date()).isEqualTo("Tue, 10 Nov 2026 08:00:02 GMT");
        assertThat(back.keepMillis()).isEqualTo(600_000);
        assertThat(back.vary()).isEqualTo("accept-language");
        assertThat(back.headers()).isEqualTo(p.headers());
        assertThat(back.tags()).containsExactly("t1", "t2");
        assertThat(back.identity()).isEqualTo(identity);
        assertThat(back.body()).isEqualTo(p.body());
    }

    @Test
    void freshnessAndStaleWindowsFollowTheAge() {
        Page p = new Page("u", 200, 10_000, 1000, 5000, 3000, 8000, null, null, false, null, 0, false, "",
                List.of(), List.of(), new byte[0], null);
        assertThat(p.ttlMillis(10_000)).isEqualTo(4000);
        assertThat(p.isFresh(13_999)).isTrue();
        assertThat(p.isFresh(14_000)).isFalse();
        assertThat(p.withinStaleWhileRevalidate(16_999)).isTrue();
        assertThat(p.withinStaleWhileRevalidate(17_000)).isFalse();
        assertThat(p.withinStaleIfError(21_999)).isTrue();
        assertThat(p.retainMillis(10_000)).isEqualTo(12_000);
        assertThat(p.hasValidator()).isFalse();
    }

    @Test
    void aPageTheOriginCanValidateIsKeptPastItsStaleWindows() {
        Page p = new Page("u", 200, 10_000, 0, 0, 0, 0, "\"v1\"", null, true, null, 60_000, false, "",
                List.of(), List.of(), new byte[0], null);
        assertThat(p.isFresh(10_000)).isFalse();
        assertThat(p.hasValidator()).isTrue();
        assertThat(p.retainMillis(10_000)).isEqualTo(60_000);
        Page made = new Page("u", 200, 10_000, 0, 5000, 0, 0, "\"c\"", null, false, null, 0, false, "",
                List.of(), List.of(), new byte[0], null);
        assertThat(made.hasValidator()).as("an entity tag the cache made cannot be validated by the origin").isFalse();
    }

    @Test
    void garbageDecodesToNothing() {
        assertThat(Page.decode(null)).isNull();
        assertThat(Page.decode(new byte[] {9, 9, 9})).isNull();
        assertThat(Page.decode(new byte[] {1, 0, 0})).as("the previous format").isNull();
        assertThat(Page.decode(new byte[] {2, 0, 0})).isNull();
    }
}
