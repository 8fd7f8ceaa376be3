package io.polystore.demo.web;

import io.polystore.demo.model.User;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What every page's frame shows: who is signed in (null on pages the cache may share), the
 * session's CSRF token for forms, and where and when the page was rendered.
 *
 * @param me         the signed-in user, or null
 * @param csrf       the form token, or null
 * @param node       this node's name
 * @param renderedAt when the page was rendered
 * @param oidc       the label of the OpenID Connect sign-in button, or null when none is configured
 */
public record Chrome(User me, String csrf, String node, Instant renderedAt, String oidc) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);

    /** @return the render time, for the footer */
    public String rendered() {
        return TIME.format(renderedAt);
    }

    /**
     * @param at an instant
     * @return it as a day, such as {@code 2 Dec 2026}
     */
    public static String day(Instant at) {
        return at == null ? "" : DAY.format(at);
    }

    /**
     * @param n    a count
     * @param noun its noun, singular
     * @return {@code "1 comment"}, {@code "2 comments"}
     */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * @param handle a handle
     * @return the user's page
     */
    public static String user(String handle) {
        return "/u/" + segment(handle);
    }

    /**
     * @param tag a tag
     * @return the tag's page
     */
    public static String tag(String tag) {
        return "/tags/" + segment(tag);
    }

    /**
     * @param id a note id
     * @return the note's page
     */
    public static String note(String id) {
        return "/notes/" + segment(id);
    }

    /**
     * @param s text
     * @return it as one percent-encoded path segment
     */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
