package io.polystore.pagecache;

import io.polystore.pagecache.internal.CircuitBreaker;
import io.polystore.pagecache.internal.LettuceTier;
import io.polystore.pagecache.internal.LocalTier;
import io.polystore.pagecache.internal.SharedTier;
import io.polystore.pagecache.internal.SharedTiers;
import io.polystore.pagecache.internal.UrlNormalizer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A shared HTTP page cache (RFC 9111, RFC 5861): rendered pages keyed by URL in this node's memory
 * (Caffeine, bounded by bytes) and optionally in Redis shared by every node. Put it in front of a
 * web handler with {@link PageCacheFilter}; purge pages with {@link #purgeUrl}, {@link #purgePrefix},
 * {@link #purgeTag} and {@link #purgeAll}, which clear Redis and the memory of every node.
 *
 * <pre>{@code
 * PageCache cache = PageCache.builder()
 *         .hosts("example.com", "www.example.com")
 *         .redis("redis://127.0.0.1:6379")
 *         .route(RouteRule.never("/account/**"))
 *         .build();
 * context.addFilter(new FilterHolder(new PageCacheFilter(cache)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>Thread-safe. Close it when the application stops; it closes its Redis connections.
 */
public final class PageCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PageCache.class.getName());

    final Settings settings;
    /** this node's id in purge messages and lock owners */
    final String nodeId = UUID.randomUUID().toString();
    final PageCacheListener listener;
    final List<PurgeListener> purgeListeners;
    final LocalTier local;
    /** null until connected (Redis may be unreachable at startup); never reset once set */
    volatile SharedTier shared;
    private final String redisUri;
    /** the application's Spring Data Redis connection factory, when it is the shared tier; else null */
    private final org.springframework.data.redis.connection.RedisConnectionFactory redisFactory;
    private final String redisClient;
    private final Duration redisTimeout;
    private final Duration redisConnectTimeout;
    private volatile boolean closed;
    final CircuitBreaker breaker;
    final Stats stats = new Stats();
    /** pages sent to Redis whose write has not finished */
    final java.util.concurrent.atomic.AtomicInteger pendingWrites = new java.util.concurrent.atomic.AtomicInteger();
    final RequestHandler handler;
    final PageLookup lookup;
    final Coalescer coalescer;
    final Invalidation invalidation;
    /** small background work off request and Redis threads (releasing a lock once a write finished) */
    final java.util.concurrent.ScheduledExecutorService background = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "page-cache-background");
        t.setDaemon(true);
        return t;
    });

    private PageCache(Builder b) {
        this.settings = b.settings();
        this.listener = b.listener != null ? b.listener : defaultListener(settings.namespace());
        this.purgeListeners = new CopyOnWriteArrayList<>(b.purgeListeners);
        this.local = new LocalTier(settings.localMaxBytes(), bytes -> {
            stats.evictions.increment();
            listener.eviction(bytes);
        });
        this.redisUri = settings.redis();
        this.redisFactory = b.redisFactory;
        this.redisClient = settings.redisClient();
        this.redisTimeout = settings.redisTimeout();
        this.redisConnectTimeout = settings.redisConnectTimeout();
        this.breaker = new CircuitBreaker(settings.breakerThreshold(), settings.breakerOpenMillis(), System::currentTimeMillis,
                () -> {
                    // with the invalidation bound, the memory tier was not served while heartbeats failed, and a
                    // lost subscription clears it when it is back; without the bound, purges may have been missed
                    if (settings.invalidationBoundMillis() == 0) {
                        LOG.info("page cache: Redis is back; clearing this node's local tier");
                        local.clear();
                    }
                });
        this.lookup = new PageLookup(this);
        this.coalescer = new Coalescer(this, lookup);
        this.handler = new RequestHandler(this);
        this.invalidation = new Invalidation(this, settings.invalidationBoundMillis(), settings.purgeTimeoutMillis());
        if (redisUri != null) {
            try {
                LettuceTier.check(redisUri);
            } catch (IllegalArgumentException e) {
                // no cause: the parser's message may quote the password
                throw new IllegalArgumentException("not a Redis URI: " + redact(redisUri) + " ("
                        + redact(String.valueOf(e.getMessage())).replace(redisUri, redact(redisUri))
                        + "); expected redis://host:port, rediss://host:port or redis-cluster://host:port,host:port");
            }
        }
        if (sharedConfigured()) {
            if (!connect()) {
                Thread retry = new Thread(() -> {
                    while (!closed && shared == null) {
                        try {
                            Thread.sleep(2000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (!closed) {
                            connect();
                        }
                    }
                }, "page-cache-redis-connect");
                retry.setDaemon(true);
                retry.start();
            }
        }
        if (settings.hosts().isEmpty()) {
            LOG.info("page cache: no host allowlist configured; every Host is cached under its own key");
        }
    }

    /**
     * With no listener configured: Micrometer's global registry when Micrometer is on the
     * classpath (meters tagged {@code cache=<namespace>}), else nothing.
     */
    private static PageCacheListener defaultListener(String namespace) {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, PageCache.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new PageCacheListener() {
            };
        }
        return MicrometerListener.global(namespace);
    }

    /**
     * Connects the shared tier. A Redis that cannot be reached at startup does not stop the
     * application: the cache serves from memory and a background thread retries.
     */
    private synchronized boolean connect() {
        if (shared != null) {
            return true;
        }
        SharedTier tier = null;
        try {
            tier = redisFactory != null ? SharedTiers.spring(redisFactory, redisTimeout)
                    : SharedTiers.connect(redisClient, redisUri, redisTimeout, redisConnectTimeout);
            tier.subscribe(settings.channel(), invalidation::onMessage, () -> {
                LOG.info("page cache: invalidation channel reconnected; clearing this node's local tier");
                invalidation.distrust();
                local.clear();
            });
            // pages this node kept while Redis was unreachable missed any purges made meanwhile
            local.clear();
            shared = tier;
            if (closed) {
                tier.close();
            } else {
                invalidation.renewLease(1000);
            }
            return true;
        } catch (RuntimeException e) {
            if (tier != null) {
                tier.close();
            }
            LOG.warning("page cache: Redis " + redisLabel() + " is unreachable (" + redact(String.valueOf(e.getMessage()))
                    + "); serving from this node's memory and retrying every 2 s");
            return false;
        }
    }

    /** @return whether a shared tier is configured (connected or not) */
    boolean sharedConfigured() {
        return redisUri != null || redisFactory != null;
    }

    private String redisLabel() {
        return redisFactory != null ? "behind the application's Spring Data Redis connection factory" : "at " + redact(redisUri);
    }

    /** @return whether the shared tier is connected */
    public boolean sharedTierConnected() {
        return shared != null;
    }

    /** @return a builder with the defaults described in docs/PAGE-CACHE.md */
    public static Builder builder() {
        return new Builder();
    }

    // ---- purges ----------------------------------------------------------------------------------
    /*
     * A purge clears this node's memory at once and hands the Redis side (delete, then publish to
     * the other nodes) to Invalidation, which retries it until Redis accepts it. The synchronous
     * methods wait up to purge-timeout and report whether it was delivered; the async ones return
     * at once. See Invalidation for the bound on how long another node may still serve the page.
     */

    /**
     * Purges every variant of one URL from both tiers on every node, waiting up to
     * {@code purge-timeout} for Redis to accept it.
     *
     * @param url an absolute URL ({@code https://example.com/path?query}); normalised as cache keys are
     * @return whether the purge reached Redis (and so every node); if not, it is still retried
     * @throws IllegalArgumentException if the URL is not absolute
     */
    public PurgeResult purgeUrl(String url) {
        String key = normaliseAbsolute(url, false);
        return invalidation.await(invalidation.url(key), "url", key);
    }

    /**
     * Like {@link #purgeUrl} without waiting.
     *
     * @param url an absolute URL
     * @return completes once Redis accepted the purge, or with {@code delivered=false} if this cache closes first
     */
    public java.util.concurrent.CompletableFuture<PurgeResult> purgeUrlAsync(String url) {
        return invalidation.url(normaliseAbsolute(url, false));
    }

    /**
     * Invalidation after an unsafe request: like {@link #purgeUrl}, waiting for Redis only as long as
     * one Redis command may take, so that this node's next request does not find the old page in
     * Redis while a Redis outage never holds the response up; a purge not delivered by then is retried.
     */
    void invalidateUrl(String url) {
        String key = normaliseAbsolute(url, false);
        java.util.concurrent.CompletableFuture<PurgeResult> done = invalidation.url(key);
        try {
            done.get(Math.min(redisTimeout.toMillis() * 2, 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // still queued: delivered when Redis answers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Purges every URL that starts with a prefix, on every node, waiting up to {@code purge-timeout}.
     *
     * @param urlPrefix an absolute URL prefix ({@code https://example.com/blog/})
     * @return whether the purge reached Redis; if not, it is still retried
     */
    public PurgeResult purgePrefix(String urlPrefix) {
        String prefix = normaliseAbsolute(urlPrefix, true);
        return invalidation.await(invalidation.prefix(prefix), "prefix", prefix);
    }

    /**
     * Purges every page whose response named the tag (in {@code Surrogate-Key} or {@code Cache-Tag}),
     * waiting up to {@code purge-timeout}.
     *
     * @param tag a tag
     * @return whether the purge reached Redis; if not, it is still retried
     */
    public PurgeResult purgeTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        return invalidation.await(invalidation.tag(tag), "tag", tag);
    }

    /**
     * Purges every page of this cache's namespace, on every node (tag sets and locks expire by
     * themselves), waiting up to {@code purge-timeout}.
     *
     * @return whether the purge reached Redis; if not, it is still retried
     */
    public PurgeResult purgeAll() {
        return invalidation.await(invalidation.all(), "all", "");
    }

    /** @return purges made on this node that Redis has not accepted yet (they are being retried) */
    public int pendingPurges() {
        return invalidation.pending();
    }

    /**
     * Adds a purge listener (for forwarding purges to a CDN).
     *
     * @param l the listener
     */
    public void addPurgeListener(PurgeListener l) {
        purgeListeners.add(Objects.requireNonNull(l));
    }


    /** @return the Redis key of a URL key; keys over 900 characters end in a hash of the rest */
    String redisKey(String key) {
        if (key.length() <= 900) {
            return settings.namespace() + ":p:" + key;
        }
        return settings.namespace() + ":p:" + key.substring(0, 900) + "#" + Responses.sha256Hex(key, 32);
    }

    /** Runs a Redis call under the circuit breaker; failures are counted and swallowed. */
    boolean sharedCall(Runnable call) {
        if (shared == null || !breaker.allow()) {
            return false;
        }
        try {
            call.run();
            breaker.success();
            return true;
        } catch (RuntimeException e) {
            sharedFailure(e);
            return false;
        }
    }

    void sharedFailure(Throwable e) {
        breaker.failure();
        stats.sharedFailures.increment();
        listener.sharedTierFailure(e);
        LOG.log(Level.FINE, "page cache: Redis call failed", e);
    }

    /**
     * @param url    an absolute URL or prefix
     * @param prefix whether it is a prefix (a query, if any, is then kept as written)
     */
    String normaliseAbsolute(String url, boolean prefix) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an absolute URL: '" + url + "' (" + e.getMessage() + ")");
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("not an absolute URL (scheme://host/path): '" + url + "'");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        String host = UrlNormalizer.host(uri.getHost() == null ? uri.getRawAuthority() : uri.getHost());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (prefix) {
            String p = UrlNormalizer.path(path);
            if (path.endsWith("/") && !p.endsWith("/")) {
                p = p + "/";
            }
            return scheme + "://" + authority(scheme, host, port) + p + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        }
        return key(scheme, host, port, UrlNormalizer.path(path), uri.getRawQuery());
    }

    /**
     * The key of a page: the filter's, the Jetty-core handler's and a purge's alike.
     *
     * @param scheme lower case
     * @param host   normalised ({@link UrlNormalizer#host})
     * @param path   normalised ({@link UrlNormalizer#path})
     * @param rawQuery the query as received, or null
     */
    String key(String scheme, String host, int port, String path, String rawQuery) {
        return scheme + "://" + authority(scheme, host, port) + path + "?" + UrlNormalizer.query(rawQuery, settings.ignoredParameter());
    }

    static String authority(String scheme, String host, int port) {
        boolean defaultPort = port < 0 || (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
        return defaultPort ? host : host + ":" + port;
    }

    static String globEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static Predicate<String> globs(List<String> patterns) {
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            compiled.add(Pattern.compile(Pattern.quote(p).replace("*", "\\E.*\\Q")));
        }
        return name -> {
            for (Pattern p : compiled) {
                if (p.matcher(name).matches()) {
                    return true;
                }
            }
            return false;
        };
    }

    // ---- state -----------------------------------------------------------------------------------

    /** @return counters since start */
    public Snapshot stats() {
        return new Snapshot(stats.hitsL1.sum(), stats.hitsL2.sum(), stats.stale.sum(), stats.misses.sum(),
                stats.bypasses.sum(), stats.renders.sum(), stats.stored.sum(), stats.evictions.sum(),
                stats.sharedFailures.sum(), breaker.timesOpened(), local.size(), stats.revalidations.sum());
    }

    /**
     * Counters since start.
     *
     * @param renders          handler calls made by the cache (misses and background refreshes)
     * @param stored           responses stored
     * @param sharedFailures   Redis calls that failed or timed out
     * @param breakerOpenings  how often the circuit breaker opened
     * @param localUrls        URLs in this node's memory now
     * @param revalidations    stored pages the handler confirmed with a 304 (their bodies were not sent again)
     */
    public record Snapshot(long hitsL1, long hitsL2, long stale, long misses, long bypasses, long renders,
            long stored, long evictions, long sharedFailures, long breakerOpenings, long localUrls, long revalidations) {
    }

    static final class Stats {
        final LongAdder hitsL1 = new LongAdder();
        final LongAdder hitsL2 = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder bypasses = new LongAdder();
        final LongAdder renders = new LongAdder();
        final LongAdder stored = new LongAdder();
        final LongAdder revalidations = new LongAdder();
        final LongAdder evictions = new LongAdder();
        final LongAdder sharedFailures = new LongAdder();
    }

    /** @return whether the shared tier is being skipped after failures */
    public boolean sharedTierSuspended() {
        return breaker.isOpen();
    }

    /**
     * Waits until the pages sent to Redis so far are written (writes are asynchronous: they never
     * delay a response).
     *
     * @param timeout how long to wait
     * @return whether all were written within the timeout
     */
    public boolean awaitSharedWrites(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingWrites.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        awaitSharedWrites(Duration.ofSeconds(2));
        invalidation.close();
        background.shutdown();
        try {
            background.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SharedTier tier = shared;
        if (tier != null) {
            tier.close();
        }
        local.clear();
    }

    // ---- configuration ---------------------------------------------------------------------------

    /**
     * The {@code redis} setting's prefix that names a Spring Data Redis connection factory bean
     * ({@code spring-data-redis:} for the only one, {@code spring-data-redis:<bean name>}); the
     * Spring Boot starter resolves it.
     */
    public static final String SPRING_DATA_REDIS = "spring-data-redis:";

    /** Configures a {@link PageCache}; every setting has a default. */
    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private final List<String> ignoredParameters = new ArrayList<>(List.of("utm_*", "gclid", "fbclid"));
        private final List<RouteRule> routes = new ArrayList<>();
        private int maxBodyBytes = 1 << 20;
        private long localMaxBytes = 64L << 20;
        private String redis;
        private org.springframework.data.redis.connection.RedisConnectionFactory redisFactory;
        private String redisClient = "lettuce";
        private Duration redisTimeout = Duration.ofMillis(100);
        private Duration redisConnectTimeout = Duration.ofSeconds(1);
        private String namespace = "polystore:pages";
        private final List<String> sessionCookies = new ArrayList<>(List.of("JSESSIONID", "SESSION"));
        private boolean statusHeaders = true;
        private boolean stripTags = true;
        private final List<String> tagHeaders = new ArrayList<>(List.of("Surrogate-Key", "Cache-Tag"));
        private Duration staleWhileRevalidate = Duration.ZERO;
        private Duration staleIfError = Duration.ZERO;
        private boolean heuristics;
        private Duration coalesceTimeout = Duration.ofSeconds(10);
        private Duration invalidationBound = Duration.ofSeconds(1);
        private Duration purgeTimeout = Duration.ofSeconds(2);
        private Duration keep = Duration.ofMinutes(10);
        private boolean clusterLock;
        private Duration lockTtl = Duration.ofSeconds(10);
        private boolean honourRequestNoCache;
        String purgePath;
        String purgeToken;
        private final List<String> purgeAllow = new ArrayList<>(List.of("127.0.0.1/32", "::1/128"));
        private boolean forwardSurrogateControl = true;
        private boolean honourCdnCacheControl = true;
        private boolean invalidateOnUnsafe = true;
        int breakerThreshold = 3;
        Duration breakerOpen = Duration.ofSeconds(2);
        private PageCacheListener listener;
        private final List<PurgeListener> purgeListeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Hosts whose pages are cached ({@code example.com}, {@code *.example.com}); requests for
         * other hosts pass through uncached. Default: none listed, every host cached under its own key.
         *
         * @param hosts host names; {@code *.example.com} matches its subdomains
         * @return this builder
         */
        public Builder hosts(String... hosts) {
            for (String h : hosts) {
                this.hosts.add(UrlNormalizer.host(h.trim()));
            }
            return this;
        }

        /**
         * Query parameter names left out of keys, as globs; replaces the default {@code utm_*, gclid, fbclid}.
         *
         * @param globs parameter names, as globs ({@code utm_*})
         * @return this builder
         */
        public Builder ignoreQueryParameters(String... globs) {
            ignoredParameters.clear();
            ignoredParameters.addAll(Arrays.asList(globs));
            return this;
        }

        /**
         * Adds route rules, checked in order; the first match applies.
         *
         * @param rules the rules, in order
         * @return this builder
         */
        public Builder route(RouteRule... rules) {
            routes.addAll(Arrays.asList(rules));
            return this;
        }

        /**
         * Bodies larger than this stream through unstored. Default 1 MiB.
         *
         * @param bytes the size in bytes
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("max-body must not be negative: " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * The local tier's budget in bytes. Default 64 MiB.
         *
         * @param bytes the size in bytes
         * @return this builder
         */
        public Builder localMaxBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("local-max-bytes must be positive: " + bytes);
            }
            this.localMaxBytes = bytes;
            return this;
        }

        /**
         * Adds the shared tier: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...}
         * or {@code redis-cluster://host:port,host:port}. Default: none (local tier only).
         *
         * @param uri the Redis URI ({@code redis://}, {@code rediss://}, {@code redis-cluster://})
         * @return this builder
         */
        public Builder redis(String uri) {
            if (uri != null && uri.startsWith(SPRING_DATA_REDIS)) {
                throw new IllegalArgumentException("'" + uri + "' names the application's Spring Data Redis connection "
                        + "factory, which only the Spring Boot starter can look up; elsewhere pass the factory to "
                        + "PageCache.builder().redisConnectionFactory(factory)");
            }
            this.redis = uri;
            this.redisFactory = null;
            return this;
        }

        /**
         * Adds the shared tier on an application's Spring Data Redis connection factory (Lettuce or
         * Jedis underneath, standalone, Sentinel or cluster), so that the cache shares the
         * application's Redis connections and settings ({@code redis-client} is ignored). A request
         * still waits at most {@code redis-timeout} for Redis, whatever the factory's timeout is. Closing the cache does not
         * close the factory. Needs {@code org.springframework.data:spring-data-redis} on the
         * classpath. Replaces a {@link #redis(String) URI} set before.
         *
         * @param factory a started connection factory
         * @return this builder
         */
        public Builder redisConnectionFactory(org.springframework.data.redis.connection.RedisConnectionFactory factory) {
            this.redisFactory = Objects.requireNonNull(factory, "factory");
            this.redis = null;
            return this;
        }

        /**
         * The Redis client of the shared tier: {@code lettuce} (default) or {@code jedis} (add redis.clients:jedis).
         *
         * @param client the client library ({@code lettuce} or {@code jedis})
         * @return this builder
         */
        public Builder redisClient(String client) {
            String c = client == null ? "" : client.trim().toLowerCase(Locale.ROOT);
            if (!c.equals("lettuce") && !c.equals("jedis")) {
                throw new IllegalArgumentException("expected lettuce or jedis, not '" + client + "'");
            }
            this.redisClient = c;
            return this;
        }

        /**
         * How long one Redis command may take before the cache goes on without it. Default 100 ms.
         *
         * @param timeout the most a command may take
         * @return this builder
         */
        public Builder redisTimeout(Duration timeout) {
            this.redisTimeout = positive(timeout, "redis-timeout");
            return this;
        }

        /**
         * How long connecting to Redis may take (at startup and when reconnecting, in the
         * background). Default 1 s.
         *
         * @param timeout the most a connection attempt takes
         * @return this builder
         */
        public Builder redisConnectTimeout(Duration timeout) {
            this.redisConnectTimeout = positive(timeout, "redis-connect-timeout");
            return this;
        }

        /**
         * Prefix of every Redis key and of the invalidation channel. Default {@code polystore:pages}.
         *
         * @param namespace the prefix of every key and channel
         * @return this builder
         */
        public Builder namespace(String namespace) {
            if (namespace == null || namespace.isBlank()) {
                throw new IllegalArgumentException("namespace must not be blank");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * Cookies that mark a logged-in session: such requests bypass the cache. Default JSESSIONID, SESSION.
         *
         * @param names cookie names
         * @return this builder
         */
        public Builder sessionCookies(String... names) {
            sessionCookies.clear();
            sessionCookies.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * Whether responses carry {@code X-Cache} and {@code Cache-Status}. Default true.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder statusHeaders(boolean on) {
            this.statusHeaders = on;
            return this;
        }

        /**
         * Whether tag headers are removed before the client sees them. Default true.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder stripTags(boolean on) {
            this.stripTags = on;
            return this;
        }

        /**
         * The response headers that carry tags (space- or comma-separated). Default Surrogate-Key, Cache-Tag.
         *
         * @param names header names
         * @return this builder
         */
        public Builder tagHeaders(String... names) {
            tagHeaders.clear();
            tagHeaders.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * The stale-while-revalidate window for responses that name none. Default 0.
         *
         * @param window how long a stale page may be served while it is refreshed
         * @return this builder
         */
        public Builder staleWhileRevalidate(Duration window) {
            this.staleWhileRevalidate = notNegative(window, "stale-while-revalidate");
            return this;
        }

        /**
         * The stale-if-error window for responses that name none. Default 0.
         *
         * @param window how long a stale page may be served when rendering it fails
         * @return this builder
         */
        public Builder staleIfError(Duration window) {
            this.staleIfError = notNegative(window, "stale-if-error");
            return this;
        }

        /**
         * Whether responses without explicit freshness get heuristic freshness (RFC 9111 §4.2.2). Default false.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder heuristics(boolean on) {
            this.heuristics = on;
            return this;
        }

        /**
         * How long concurrent misses wait for the one render before rendering themselves. Default 10 s.
         *
         * @param timeout the most a miss waits
         * @return this builder
         */
        public Builder coalesceTimeout(Duration timeout) {
            this.coalesceTimeout = notNegative(timeout, "coalesce-timeout");
            return this;
        }

        /**
         * Whether a cold page is rendered once per cluster (a Redis lock), not once per node. Default false.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder clusterLock(boolean on) {
            this.clusterLock = on;
            return this;
        }

        /**
         * The most time a node may serve a page from its memory after a purge of it reached Redis,
         * even when its subscription is lost, its circuit breaker is open or Redis is slow: a node
         * serves its memory tier only while it hears its own heartbeats on the purge channel (see
         * docs/PAGE-CACHE.md). Default 1 s; {@link Duration#ZERO} turns the bound off (memory is
         * served until a purge message arrives, however late).
         *
         * @param bound the most time; {@link Duration#ZERO} for no bound
         * @return this builder
         */
        public Builder invalidationBound(Duration bound) {
            this.invalidationBound = notNegative(bound, "invalidation-bound");
            return this;
        }

        /**
         * How long {@link PageCache#purgeUrl} and the other synchronous purges wait for Redis to
         * accept a purge before answering that it is still pending. Default 2 s.
         *
         * @param timeout the most a purge waits
         * @return this builder
         */
        public Builder purgeTimeout(Duration timeout) {
            this.purgeTimeout = notNegative(timeout, "purge-timeout");
            return this;
        }

        /**
         * How long a page the origin can validate (it sent an {@code ETag} or {@code Last-Modified})
         * is kept after it went stale, so that the next request revalidates it with a conditional
         * request (a 304 costs no body) instead of fetching it whole. Responses marked
         * {@code no-cache} or stale on arrival are stored only for that. Default 10 min;
         * {@link Duration#ZERO} keeps nothing past its stale windows.
         *
         * @param keep how long to keep it
         * @return this builder
         */
        public Builder keep(Duration keep) {
            this.keep = notNegative(keep, "keep");
            return this;
        }

        /**
         * How long the cluster render lock is held at most. Default 10 s.
         *
         * @param ttl the lock's time to live
         * @return this builder
         */
        public Builder lockTtl(Duration ttl) {
            this.lockTtl = positive(ttl, "lock-ttl");
            return this;
        }

        /**
         * Whether a request's {@code Cache-Control: no-cache} or {@code max-age=0} forces a render. Default false.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder honourRequestNoCache(boolean on) {
            this.honourRequestNoCache = on;
            return this;
        }

        /**
         * Enables the HTTP purge endpoint at {@code path}, answering only requests that carry the
         * token (as {@code Authorization: Bearer <token>} or {@code X-Purge-Token}) from allowed addresses.
         *
         * @param path the request path
         * @param token the secret a purge request must carry
         * @return this builder
         */
        public Builder purgeEndpoint(String path, String token) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("purge-path must start with '/': " + path);
            }
            this.purgePath = path;
            this.purgeToken = token;
            return this;
        }

        /**
         * Addresses (CIDR) allowed to call the purge endpoint. Default loopback only.
         *
         * @param cidrs address ranges, as CIDR ({@code 10.0.0.0/8})
         * @return this builder
         */
        public Builder purgeAllow(String... cidrs) {
            purgeAllow.clear();
            for (String c : cidrs) {
                PurgeEndpoint.checkCidr(c);
                purgeAllow.add(c.trim());
            }
            return this;
        }

        /**
         * Whether {@code Surrogate-Control} is passed on to the client (a CDN in front). Default true.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder forwardSurrogateControl(boolean on) {
            this.forwardSurrogateControl = on;
            return this;
        }

        /**
         * Whether {@code CDN-Cache-Control} (RFC 9213) sets this cache's freshness. Default true.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder honourCdnCacheControl(boolean on) {
            this.honourCdnCacheControl = on;
            return this;
        }

        /**
         * Whether successful POST/PUT/PATCH/DELETE invalidate their URL (RFC 9111 §4.4). Default true.
         *
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder invalidateOnUnsafe(boolean on) {
            this.invalidateOnUnsafe = on;
            return this;
        }

        /**
         * Consecutive Redis failures that open the circuit breaker, and how long it stays open. Defaults 3, 2 s.
         *
         * @param failures consecutive failures that open it
         * @param open how long it stays open
         * @return this builder
         */
        public Builder circuitBreaker(int failures, Duration open) {
            if (failures < 1) {
                throw new IllegalArgumentException("breaker failures must be at least 1: " + failures);
            }
            this.breakerThreshold = failures;
            this.breakerOpen = positive(open, "breaker-open");
            return this;
        }

        /**
         * Receives hits, misses, bypasses, renders and evictions. Default: a {@link MicrometerListener}
         * on Micrometer's global registry when Micrometer is on the classpath, else none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PageCacheListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Receives every purge (to forward to a CDN).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder purgeListener(PurgeListener listener) {
            purgeListeners.add(Objects.requireNonNull(listener, "purgeListener"));
            return this;
        }

        /**
         * Applies settings given as strings: filter init-parameters or a configuration file section.
         * Keys are those of docs/PAGE-CACHE.md ({@code hosts}, {@code redis}, {@code routes}, ...).
         *
         * @param settings the settings
         * @param source   where they come from, for messages ({@code web.xml filter 'pages'}, a file name)
         * @throws IllegalArgumentException naming the source, key and value when one is wrong
         * @return this builder
         */
        public Builder apply(Map<String, String> settings, String source) {
            SettingsParser.apply(this, settings, source);
            return this;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }

        private static Duration notNegative(Duration d, String name) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }

        Settings settings() {
            return new Settings(hosts, globs(ignoredParameters), routes, maxBodyBytes, localMaxBytes, redis, redisClient,
                    redisTimeout, redisConnectTimeout, namespace, sessionCookies, statusHeaders, stripTags, tagHeaders,
                    staleWhileRevalidate.toMillis(), staleIfError.toMillis(), heuristics, coalesceTimeout.toMillis(),
                    clusterLock, lockTtl.toMillis(), honourRequestNoCache, purgePath, purgeToken, purgeAllow,
                    forwardSurrogateControl, honourCdnCacheControl, invalidateOnUnsafe, breakerThreshold,
                    breakerOpen.toMillis(), invalidationBound.toMillis(), purgeTimeout.toMillis(), keep.toMillis());
        }

        /** @return the cache; connects to Redis if configured */
        public PageCache build() {
            return new PageCache(this);
        }
    }
}
