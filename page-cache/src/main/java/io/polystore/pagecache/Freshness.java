package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Directives;

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

    /** The decision: {@code reason} is null when the response may be stored. */
    record Decision(String reason, long freshMillis, long staleWhileRevalidateMillis, long staleIfErrorMillis,
            long initialAgeMillis) {
        static Decision no(String reason) {
            return new Decision(reason, 0, 0, 0, 0);
        }

        boolean store() {
            return reason == null;
        }
    }

    private Freshness() {
    }

    /**
     * @param requestCookies whether the request carried cookies: a page the origin did not mark as
     *                       cacheable may be personalised by them, so neither a route TTL nor
     *                       heuristics make it cacheable then
     */
    static Decision decide(PageCache c, CaptureResponse r, boolean authorized, boolean requestCookies, RouteRule rule,
            long now) {
        int status = r.getStatus();
        if (r.isError()) {
            return Decision.no("error-page");
        }
        if (r.setsCookie()) {
            return Decision.no("set-cookie");
        }
        Directives cc = Directives.parse(r.getHeaders("Cache-Control"));
        Directives surrogate = Directives.parse(r.getHeaders("Surrogate-Control"));
        Directives cdn = c.honourCdnCacheControl ? Directives.parse(r.getHeaders("CDN-Cache-Control")) : Directives.NONE;
        // a field targeted at this kind of cache replaces Cache-Control for freshness (RFC 9213 §2.1);
        // private and no-store in Cache-Control are honoured whatever it says
        Directives targeted = !surrogate.isEmpty() ? surrogate : cdn;
        if (cc.has("no-store") || targeted.has("no-store")) {
            return Decision.no("no-store");
        }
        if (cc.has("private") || targeted.has("private")) {
            return Decision.no("private");
        }
        if (targeted.isEmpty() ? cc.has("no-cache") : targeted.has("no-cache")) {
            return Decision.no("no-cache");
        }
        for (String vary : r.getHeaders("Vary")) {
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
        if (!targeted.isEmpty() && targeted.seconds("max-age") >= 0) {
            fresh = targeted.seconds("max-age") * 1000;
        } else if (cc.seconds("s-maxage") >= 0) {
            fresh = cc.seconds("s-maxage") * 1000;
        } else if (cc.seconds("max-age") >= 0) {
            fresh = cc.seconds("max-age") * 1000;
        } else if (r.getHeader("Expires") != null) {
            // an invalid Expires (not an HTTP date, or several header lines) means already expired (RFC 9111 §5.3)
            long expires = r.getHeaders("Expires").size() == 1 ? HttpDates.parse(r.getHeader("Expires"), now) : -1;
            long date = r.getHeader("Date") != null ? HttpDates.parse(r.getHeader("Date"), now) : now;
            fresh = expires < 0 ? 0 : expires - (date < 0 ? now : date);
        } else {
            explicit = false;
            fresh = -1;
            if (c.heuristics && !requestCookies && (HEURISTIC.contains(status) || cc.has("public"))) {
                long lm = r.getHeader("Last-Modified") != null ? parseDate(r.getHeader("Last-Modified")) : -1;
                if (lm > 0 && lm < now) {
                    fresh = Math.min((now - lm) / 10, 86_400_000L);
                }
            }
        }
        if (rule != null && rule.action() == RouteRule.Action.TTL) {
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
        long age = 0;
        String ageHeader = r.getHeader("Age");
        if (ageHeader != null) {
            Directives a = Directives.parse(java.util.List.of("age=" + ageHeader.trim()));
            age = Math.max(0, a.seconds("age")) * 1000;
        }
        if (fresh - age <= 0) {
            return Decision.no("stale-on-arrival");
        }
        Directives window = targeted.isEmpty() ? cc : targeted;
        boolean noStale = cc.has("must-revalidate") || cc.has("proxy-revalidate") || window.has("must-revalidate");
        long swr = noStale ? 0 : window.seconds("stale-while-revalidate") >= 0
                ? window.seconds("stale-while-revalidate") * 1000 : c.defaultStaleWhileRevalidateMillis;
        long sie = noStale ? 0 : window.seconds("stale-if-error") >= 0
                ? window.seconds("stale-if-error") * 1000 : c.defaultStaleIfErrorMillis;
        return new Decision(null, fresh, swr, sie, age);
    }

    /** @return epoch ms of an HTTP date in one of the three forms RFC 9110 §5.6.7 allows, or -1 */
    static long parseDate(String value) {
        return HttpDates.parse(value, System.currentTimeMillis());
    }
}
