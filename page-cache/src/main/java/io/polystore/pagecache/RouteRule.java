package io.polystore.pagecache;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A per-route rule on the normalised request path, overriding or capping what the origin's headers
 * say. Patterns are globs: {@code *} matches within one path segment, {@code **} across segments
 * ({@code /static/**}, {@code /blog/*}/comments). The first matching rule of the configured list
 * applies.
 *
 * <p>No rule makes a response cacheable that RFC 9111 forbids a shared cache to store: responses
 * with {@code Set-Cookie}, {@code private} or {@code no-store} are never stored, whatever the route.
 */
public final class RouteRule {
    /** What a rule does. */
    public enum Action {
        /** never cache: requests pass straight to the handler */
        NEVER,
        /** cache for the rule's TTL, whatever the origin's freshness headers say */
        TTL,
        /** keep the origin's freshness but never longer than the rule's TTL */
        MAX_TTL
    }

    private final String pattern;
    private final Pattern regex;
    private final Action action;
    private final Duration ttl;

    private RouteRule(String pattern, Action action, Duration ttl) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("a route TTL must be positive: " + pattern + " -> " + ttl);
        }
        this.pattern = pattern;
        this.regex = glob(pattern);
        this.action = action;
        this.ttl = ttl;
    }

    /**
     * @return a rule that never caches paths matching {@code pattern}
     * @param pattern a path pattern ({@code /static/**})
     */
    public static RouteRule never(String pattern) {
        return new RouteRule(pattern, Action.NEVER, null);
    }

    /**
     * @return a rule that caches matching paths for {@code ttl}, overriding the origin's freshness
     * @param pattern a path pattern ({@code /static/**})
     * @param ttl the time to live
     */
    public static RouteRule ttl(String pattern, Duration ttl) {
        return new RouteRule(pattern, Action.TTL, Objects.requireNonNull(ttl, "ttl"));
    }

    /**
     * @return a rule that caps the origin's freshness at {@code ttl}
     * @param pattern a path pattern ({@code /static/**})
     * @param ttl the time to live
     */
    public static RouteRule maxTtl(String pattern, Duration ttl) {
        return new RouteRule(pattern, Action.MAX_TTL, Objects.requireNonNull(ttl, "ttl"));
    }

    /**
     * Parses the configuration form {@code pattern -> never}, {@code pattern -> 5m} (TTL) or
     * {@code pattern -> max 5m}.
     *
     * @throws IllegalArgumentException naming what is wrong
     * @param spec the rule as written in configuration
     * @return the rule
     */
    public static RouteRule parse(String spec) {
        int arrow = spec.indexOf("->");
        if (arrow < 0) {
            throw new IllegalArgumentException("expected 'pattern -> never|<ttl>|max <ttl>' but got '" + spec + "'");
        }
        String pattern = spec.substring(0, arrow).trim();
        String what = spec.substring(arrow + 2).trim();
        if (what.equalsIgnoreCase("never")) {
            return never(pattern);
        }
        if (what.toLowerCase(java.util.Locale.ROOT).startsWith("max ")) {
            return maxTtl(pattern, Durations.parse(what.substring(4).trim()));
        }
        return ttl(pattern, Durations.parse(what));
    }

    /**
     * @return whether the rule applies to a normalised path
     * @param path the request path
     */
    public boolean matches(String path) {
        return regex.matcher(path).matches();
    }

    /** @return the path pattern, as written */
    public String pattern() {
        return pattern;
    }

    /** @return what the rule does to matching requests */
    public Action action() {
        return action;
    }

    /** @return the TTL, or null for {@link Action#NEVER} */
    public Duration ttl() {
        return ttl;
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    @Override
    public String toString() {
        return pattern + " -> " + (action == Action.NEVER ? "never" : (action == Action.MAX_TTL ? "max " : "") + ttl);
    }
}
