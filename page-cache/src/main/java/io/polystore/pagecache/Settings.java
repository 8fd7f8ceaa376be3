package io.polystore.pagecache;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A page cache's settings, fixed when {@link PageCache.Builder#build()} makes the cache. Each
 * field is the builder method (and configuration key) of the same name; docs/PAGE-CACHE.md lists
 * them with their defaults. Immutable.
 *
 * @param ignoredParameter        whether a query parameter name is left out of keys
 * @param staleWhileRevalidateMillis the window for responses that name none
 * @param staleIfErrorMillis      the window for responses that name none
 * @param invalidationBoundMillis 0 when the bound is off
 * @param keepMillis              how long a page the origin can validate is kept past its stale windows
 */
record Settings(List<String> hosts, Predicate<String> ignoredParameter, List<RouteRule> routes, int maxBodyBytes,
        long localMaxBytes, String redis, String redisClient, Duration redisTimeout, Duration redisConnectTimeout,
        String namespace, List<String> sessionCookies, boolean statusHeaders, boolean stripTags,
        List<String> tagHeaders, long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean heuristics,
        long coalesceTimeoutMillis, boolean clusterLock, long lockTtlMillis, boolean honourRequestNoCache,
        String purgePath, String purgeToken, List<String> purgeAllow, boolean forwardSurrogateControl,
        boolean honourCdnCacheControl, boolean invalidateOnUnsafe, int breakerThreshold, long breakerOpenMillis,
        long invalidationBoundMillis, long purgeTimeoutMillis, long keepMillis) {

    Settings {
        hosts = List.copyOf(hosts);
        routes = List.copyOf(routes);
        sessionCookies = List.copyOf(sessionCookies);
        tagHeaders = List.copyOf(tagHeaders);
        purgeAllow = List.copyOf(purgeAllow);
        if (purgePath != null && (purgeToken == null || purgeToken.isEmpty())) {
            throw new IllegalArgumentException("the purge endpoint (purge-path " + purgePath
                    + ") needs a purge-token: an endpoint anyone could call would let anyone empty the cache");
        }
    }

    /** @return the Redis pub/sub channel of purges and heartbeats */
    String channel() {
        return namespace + ":purge";
    }

    /** @return whether the lower-case header name is one of the tag headers */
    boolean isTagHeader(String lowerName) {
        for (String t : tagHeaders) {
            if (t.equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether pages of this host are cached */
    boolean hostAllowed(String host) {
        if (hosts.isEmpty()) {
            return true;
        }
        for (String allowed : hosts) {
            if (allowed.equals(host) || (allowed.startsWith("*.") && host.endsWith(allowed.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /** @return the first route rule matching the normalised path, or null */
    RouteRule route(String path) {
        for (RouteRule r : routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }
}
