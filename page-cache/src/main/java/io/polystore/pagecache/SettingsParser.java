package io.polystore.pagecache;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Reads settings given as strings (filter init-parameters, a configuration file section, the
 * proxy's properties) into a {@link PageCache.Builder}; every error names the source, the key and
 * the value (redacted for tokens and Redis URIs).
 */
final class SettingsParser {
    static final String KNOWN = "hosts, ignore-query, routes, max-body, local-max-bytes, redis, redis-client, "
            + "redis-timeout, redis-connect-timeout, namespace, session-cookies, status-headers, strip-tags, "
            + "tag-headers, stale-while-revalidate, stale-if-error, heuristics, coalesce-timeout, cluster-lock, "
            + "lock-ttl, honour-request-no-cache, purge-path, purge-token, purge-allow, forward-surrogate-control, "
            + "honour-cdn-cache-control, invalidate-on-unsafe, breaker-failures, breaker-open, invalidation-bound, "
            + "purge-timeout, keep";

    private SettingsParser() {
    }

    static void apply(PageCache.Builder b, Map<String, String> settings, String source) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().trim();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            try {
                set(b, key, value);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ": page cache setting '" + key + "' = '"
                        + (key.contains("token") || key.contains("redis") ? PageCache.redact(value) : value)
                        + "': " + ex.getMessage(), ex);
            }
        }
    }

    private static void set(PageCache.Builder b, String key, String value) {
        switch (key) {
            case "hosts" -> b.hosts(list(value));
            case "ignore-query" -> b.ignoreQueryParameters(list(value));
            case "routes" -> {
                for (String spec : value.split("[;\n]")) {
                    if (!spec.isBlank()) {
                        b.route(RouteRule.parse(spec.trim()));
                    }
                }
            }
            case "max-body" -> b.maxBodyBytes((int) Math.min(Integer.MAX_VALUE, bytes(value)));
            case "local-max-bytes" -> b.localMaxBytes(bytes(value));
            case "redis" -> b.redis(value.isEmpty() ? null : value);
            case "redis-client" -> b.redisClient(value);
            case "redis-timeout" -> b.redisTimeout(Durations.parse(value));
            case "redis-connect-timeout" -> b.redisConnectTimeout(Durations.parse(value));
            case "namespace" -> b.namespace(value);
            case "session-cookies" -> b.sessionCookies(list(value));
            case "status-headers" -> b.statusHeaders(bool(value));
            case "strip-tags" -> b.stripTags(bool(value));
            case "tag-headers" -> b.tagHeaders(list(value));
            case "stale-while-revalidate" -> b.staleWhileRevalidate(Durations.parse(value));
            case "stale-if-error" -> b.staleIfError(Durations.parse(value));
            case "heuristics" -> b.heuristics(bool(value));
            case "coalesce-timeout" -> b.coalesceTimeout(Durations.parse(value));
            case "cluster-lock" -> b.clusterLock(bool(value));
            case "lock-ttl" -> b.lockTtl(Durations.parse(value));
            case "honour-request-no-cache" -> b.honourRequestNoCache(bool(value));
            case "purge-path" -> {
                if (!value.startsWith("/")) {
                    throw new IllegalArgumentException("must start with '/'");
                }
                b.purgePath = value;
            }
            case "purge-token" -> b.purgeToken = value;
            case "purge-allow" -> b.purgeAllow(list(value));
            case "forward-surrogate-control" -> b.forwardSurrogateControl(bool(value));
            case "honour-cdn-cache-control" -> b.honourCdnCacheControl(bool(value));
            case "invalidate-on-unsafe" -> b.invalidateOnUnsafe(bool(value));
            case "breaker-failures" -> b.circuitBreaker((int) Math.min(Integer.MAX_VALUE, positiveLong(value)), b.breakerOpen);
            case "breaker-open" -> b.circuitBreaker(b.breakerThreshold, Durations.parse(value));
            case "invalidation-bound" -> b.invalidationBound(Durations.parse(value));
            case "purge-timeout" -> b.purgeTimeout(Durations.parse(value));
            case "keep" -> b.keep(Durations.parse(value));
            default -> throw new IllegalArgumentException("unknown setting; known: " + KNOWN);
        }
    }

    private static String[] list(String value) {
        return Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static long positiveLong(String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("expected a positive whole number");
    }

    static long bytes(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][] {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"},
                {"gb", "1000000000"}, {"mb", "1000000"}, {"kb", "1000"}, {"g", "1073741824"}, {"m", "1048576"},
                {"k", "1024"}, {"b", "1"}}) {
            if (v.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("expected a size such as 1048576, 512KiB or 64MiB");
    }
}
