package io.polystore.pagecache.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlNormalizerTest {
    private static String q(String raw) {
        return UrlNormalizer.query(raw, name -> name.startsWith("utm_"));
    }

    @Test
    void removesDotSegmentsAsRfc3986Says() {
        assertThat(UrlNormalizer.path("/a/b/c/./../../g")).isEqualTo("/a/g");
        assertThat(UrlNormalizer.path("/a/./b")).isEqualTo("/a/b");
        assertThat(UrlNormalizer.path("/../a")).isEqualTo("/a");
        assertThat(UrlNormalizer.path("/a/b/..")).isEqualTo("/a/");
        assertThat(UrlNormalizer.path("/a/%2E%2E/b")).isEqualTo("/b");
        assertThat(UrlNormalizer.path("/a.b/c..d")).isEqualTo("/a.b/c..d");
        assertThat(UrlNormalizer.path("")).isEqualTo("/");
    }

    @Test
    void decodesUnreservedAndUpperCasesTheRest() {
        assertThat(UrlNormalizer.path("/%7euser/%41")).isEqualTo("/~user/A");
        assertThat(UrlNormalizer.path("/a%2fb")).isEqualTo("/a%2Fb");
        assertThat(UrlNormalizer.path("/caf\u00e9 x")).isEqualTo("/caf%C3%A9%20x");
        assertThat(UrlNormalizer.path("/100%")).isEqualTo("/100%25");
        assertThat(UrlNormalizer.path("/%zz")).isEqualTo("/%25zz");
        assertThat(UrlNormalizer.path("/\uD83D\uDE00")).isEqualTo("/%F0%9F%98%80");
    }

    @Test
    void sortsParametersByNameThenValueAndDropsIgnoredOnes() {
        assertThat(q("b=2&a=1&a=0")).isEqualTo("a=0&a=1&b=2");
        assertThat(q("utm_source=x&z=1&utm_medium=y")).isEqualTo("z=1");
        assertThat(q("a&a=&a=1")).isEqualTo("a&a=&a=1");
        assertThat(q("")).isEmpty();
        assertThat(q(null)).isEmpty();
        assertThat(q("&&x=1&")).isEqualTo("x=1");
    }

    @Test
    void delimitersInsideValuesStayEncodedSoKeysCannotCollide() {
        assertThat(q("a=1%262")).isEqualTo("a=1%262");
        assertThat(q("a=1&2")).isEqualTo("2&a=1");
        assertThat(q("a=%3d")).isEqualTo("a=%3D");
        assertThat(q("x=?")).isEqualTo("x=%3F");
        assertThat(q("x=%3f")).isEqualTo("x=%3F");
        // the path never holds a raw '?', the query is always introduced by one: /a?bc and /ab?c differ
        assertThat(UrlNormalizer.path("/a") + "?" + q("bc")).isNotEqualTo(UrlNormalizer.path("/ab") + "?" + q("c"));
        assertThat(UrlNormalizer.path("/a%3Fb")).isEqualTo("/a%3Fb");
    }

    @Test
    void hostsAreLowerCaseWithoutTrailingDot() {
        assertThat(UrlNormalizer.host("Example.COM.")).isEqualTo("example.com");
    }
}
