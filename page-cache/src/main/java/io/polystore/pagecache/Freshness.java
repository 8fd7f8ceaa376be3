package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Directives;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What RFC 9111 (§3, §4.2, §3.5), RFC 5861 and RFC 9213 let a shared cache do with one response:
 * store it or not (and why not), and for how long it is fresh and may be served stale.
 */
final class Freshness {
    /**
     * Whether a response with explicit freshness may be stored (RFC 9111 §3): any final status this
     * cache understands, but not 206 (a part is not the page; ranges are answered from whole pages)
     * nor 304 (not a page). Statuses outside 200-599 are not understood.
     */
    private static boolean storableWithExplicitFreshness(int status) {
        return status >= 200 && status <= 599 && status != 206 && status != 304;
    }
    /** Statuses that are heuristically cacheable (RFC 9110 §15.1). */
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 451, 501);

    /**
     * The decision: {@code reason} is null when the response may be stored. A stored response
     * that is not fresh ({@code freshMillis} not above its age) is kept only to be revalidated.
     */
    record Decision(String reason, long freshMillis, long staleWhileRevalidateMillis, long staleIfErrorMillis,
            long initialAgeMillis, long keepMillis) {
        static Decision no(String reason) {
            return new Decision(reason, 0, 0, 0, 0, 0);
        }

        boolean store() {
            return reason == null;
        }
    }

    private Freshness() {
    }

    /** The response headers a decision reads, by name (any case); an empty list when absent. */
    @FunctionalInterface
    interface Head {
        Collection<String> values(String name);

        default String first(String name) {
            Collection<String> v = values(name);
            return v.isEmpty() ? null : v.iterator().next();
        }
    }

    /**
     * @param requestCookies whether the request carried cookies: a page the origin did not mark as
     *                       cacheable may be personalised by them, so neither a route TTL nor
     *                       heuristics make it cacheable then
     * @param requestTime    when the request was sent to the handler (for the age, RFC 9111 §4.2.3)
     * @param now            when the response arrived
     */
    static Decision decide(Settings c, CaptureResponse r, boolean authorized, boolean requestCookies, RouteRule rule,
            long requestTime, long now) {
        if (r.isError()) {
            return Decision.no("error-page");
        }
        if (r.setsCookie()) {
            return Decision.no("set-cookie");
        }
        return decide(c, r.getStatus(), r::getHeaders, authorized, requestCookies, rule, requestTime, now);
    }

    static Decision decide(Settings c, int status, Head r, boolean authorized, boolean requestCookies, RouteRule rule,
            long requestTime, long now) {
        Directives cc = Directives.parse(r.values("Cache-Control"));
        Directives surrogate = Directives.parse(r.values("Surrogate-Control"));
        Directives cdn = c.honourCdnCacheControl() ? Directives.parse(r.values("CDN-Cache-Control")) : Directives.NONE;
        // a field targeted at this kind of cache replaces Cache-Control for this cache's own caching
        // (RFC 9213 §2.1), its no-store, no-cache and max-age included; two things stay with Cache-Control:
        // private (a page for one user is never shared, whatever else the origin says) and what an
        // Authorization request may share (RFC 9111 §3.5)
        Directives targeted = !surrogate.isEmpty() ? surrogate : cdn;
        Directives own = targeted.isEmpty() ? cc : targeted;
        if (own.has("no-store")) {
            return Decision.no("no-store");
        }
        if (own.has("private") || cc.has("private")) {
            return Decision.no("private");
        }
        boolean validator = r.first("ETag") != null || r.first("Last-Modified") != null;
        boolean revalidate = own.has("no-cache");
        if (revalidate && !(validator && c.keepMillis() > 0)) {
            return Decision.no("no-cache");
        }
        for (String vary : r.values("Vary")) {
            if (vary.contains("*")) {
                return Decision.no("vary-star");
            }
        }
        if (authorized && !(cc.has("public") || cc.has("s-maxage") || cc.has("must-revalidate"))) {
            return Decision.no("authorization");
        }
        if (rule != null && rule.action() == RouteRule.Action.NEVER) {
            return Decision.no("route");
        }
        long fresh;
        boolean explicit = true;
        if (revalidate) {
            fresh = 0; // stored to be revalidated on every use (RFC 9111 §5.2.2.4)
        } else if (own.seconds("s-maxage") >= 0 && own == cc) {
            fresh = cc.seconds("s-maxage") * 1000;
        } else if (own.seconds("max-age") >= 0) {
            fresh = own.seconds("max-age") * 1000;
        } else if (r.first("Expires") != null) {
            // an invalid Expires (not an HTTP date, or several header lines) means already expired (RFC 9111 §5.3)
            long expires = r.values("Expires").size() == 1 ? HttpDates.parse(r.first("Expires"), now) : -1;
            long date = r.first("Date") != null ? HttpDates.parse(r.first("Date"), now) : now;
            fresh = expires < 0 ? 0 : expires - (date < 0 ? now : date);
        } else {
            explicit = false;
            fresh = -1;
            if (c.heuristics() && !requestCookies && (HEURISTIC.contains(status) || cc.has("public"))) {
                long lm = r.first("Last-Modified") != null ? parseDate(r.first("Last-Modified")) : -1;
                if (lm > 0 && lm < now) {
                    fresh = Math.min((now - lm) / 10, 86_400_000L);
                }
            }
        }
        if (rule != null && rule.action() == RouteRule.Action.TTL && !revalidate) {
            if (!explicit && requestCookies) {
                return Decision.no("cookie");
            }
            fresh = rule.ttl().toMillis();
            explicit = true;
        } else if (rule != null && rule.action() == RouteRule.Action.MAX_TTL && fresh > 0) {
            fresh = Math.min(fresh, rule.ttl().toMillis());
        }
        if (explicit ? !storableWithExplicitFreshness(status) : !HEURISTIC.contains(status)) {
            return Decision.no("status");
        }
        if (fresh < 0) {
            return Decision.no("no-freshness");
        }
        long age = initialAge(r, requestTime, now);
        long keep = validator ? c.keepMillis() : 0;
        if (fresh - age <= 0 && keep == 0) {
            return Decision.no(revalidate ? "no-cache" : "stale-on-arrival");
        }
        boolean noStale = revalidate || cc.has("must-revalidate") || cc.has("proxy-revalidate")
                || own.has("must-revalidate") || own.has("proxy-revalidate");
        long swr = noStale ? 0 : own.seconds("stale-while-revalidate") >= 0
                ? own.seconds("stale-while-revalidate") * 1000 : c.staleWhileRevalidateMillis();
        long sie = noStale ? 0 : own.seconds("stale-if-error") >= 0
                ? own.seconds("stale-if-error") * 1000 : c.staleIfErrorMillis();
        return new Decision(null, fresh, swr, sie, age, keep);
    }

    /**
     * The age of a response when it arrived (RFC 9111 §4.2.3): the larger of its apparent age (from
     * its {@code Date}) and its {@code Age} plus the time the request took.
     */
    static long initialAge(Head r, long requestTime, long responseTime) {
        long ageValue = 0;
        String ageHeader = r.first("Age");
        if (ageHeader != null) {
            Directives a = Directives.parse(List.of("age=" + ageHeader.trim()));
            ageValue = Math.max(0, a.seconds("age")) * 1000;
        }
        long apparent = 0;
        String dateHeader = r.first("Date");
        if (dateHeader != null) {
            long date = HttpDates.parse(dateHeader, responseTime);
            if (date >= 0) {
                apparent = Math.max(0, responseTime - date);
            }
        }
        long correctedAge = ageValue + Math.max(0, responseTime - requestTime);
        return Math.max(apparent, correctedAge);
    }

    /** @return epoch ms of an HTTP date in one of the three forms RFC 9110 §5.6.7 allows, or -1 */
    static long parseDate(String value) {
        return HttpDates.parse(value, System.currentTimeMillis());
    }
}
