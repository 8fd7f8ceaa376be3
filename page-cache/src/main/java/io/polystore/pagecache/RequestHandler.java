package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Directives;
import io.polystore.pagecache.internal.LocalTier;
import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.SharedTier;
import io.polystore.pagecache.internal.UrlNormalizer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;

/** The request path of the page cache (docs/PAGE-CACHE.md describes it step by step). */
final class RequestHandler {
    private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());

    /** Response headers a cache must not store or forward from storage (RFC 9110 §7.6.1, and ours). */
    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "set-cookie",
            "date", "age", "content-length", "x-cache", "cache-status", "etag", "last-modified");
    private static final Set<String> CONDITIONAL = Set.of("if-none-match", "if-modified-since", "if-match",
            "if-unmodified-since", "if-range");

    private final PageCache c;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    /** One render in progress; concurrent misses for the key wait on it. */
    private static final class Flight {
        final CompletableFuture<Page> done = new CompletableFuture<>();
        volatile String variant;
        volatile boolean purged;
        /** whether this render holds the cluster lock */
        volatile boolean locked;
        /** set when the render served a stale page instead (stale-if-error) */
        volatile boolean servedStale;
        /** completes when the rendered page's write to Redis finished (null: nothing was written) */
        volatile CompletableFuture<Void> written;
    }

    /** Methods known to be safe (RFC 9110 §9.2.1); GET and HEAD are handled before. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    RequestHandler(PageCache c) {
        this.c = c;
    }

    /** Marks renders in progress for matching keys as purged: what they render is not stored. */
    void forgetFlights(Predicate<String> keyMatches) {
        flights.forEach((k, f) -> {
            if (keyMatches.test(k)) {
                f.purged = true;
            }
        });
    }

    void handle(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        long t0 = System.nanoTime();
        String method = req.getMethod();
        if (c.purgePath != null && c.purgePath.equals(req.getRequestURI())) {
            purgeEndpoint(req, res);
            return;
        }
        boolean get = method.equals("GET");
        if (!get && !method.equals("HEAD")) {
            bypass(req, res, chain, "method", t0);
            // RFC 9111 §4.4: any method not known to be safe (POST, PUT, PATCH, DELETE, and methods this cache
            // does not know) invalidates; OPTIONS and TRACE are safe (RFC 9110 §9.2.1)
            if (c.invalidateOnUnsafe && !SAFE_METHODS.contains(method)) {
                invalidateAfterUnsafe(req, res);
            }
            return;
        }
        String host = UrlNormalizer.host(req.getServerName());
        if (!hostAllowed(host)) {
            bypass(req, res, chain, "host", t0);
            return;
        }
        String path = UrlNormalizer.path(req.getRequestURI());
        RouteRule rule = route(path);
        String reason = bypassReason(req, rule);
        if (reason != null) {
            bypass(req, res, chain, reason, t0);
            return;
        }
        String scheme = req.getScheme().toLowerCase(Locale.ROOT);
        String key = scheme + "://" + PageCache.authority(scheme, host, req.getServerPort()) + path + "?"
                + UrlNormalizer.query(req.getQueryString(), c.ignoredParameter);
        boolean authorized = req.getHeader("Authorization") != null;
        long now = System.currentTimeMillis();
        Page page = null;
        Outcome tier = null;
        if (!authorized) {
            LocalTier.Entry entry = c.local.get(key);
            if (entry != null) {
                page = entry.variants().get(variantId(entry.vary(), req));
                tier = Outcome.HIT_L1;
                // the memory tier only while this node is sure it heard every purge, or for a page whose
                // request began less than the invalidation bound ago (see Invalidation)
                if (page != null && !c.invalidation.localTrusted() && !c.invalidation.recent(page.storedAt(), now)) {
                    page = confirmedByRedis(key, req, page, now);
                    tier = page == null ? null : Outcome.HIT_L2;
                }
            }
            if (c.shared != null && (page == null || !page.isFresh(now))) {
                // nothing here, or only a stale copy: another node may have refreshed it already
                Page shared = sharedLookup(key, req, now);
                if (shared != null && (page == null || shared.storedAt() > page.storedAt())) {
                    page = shared;
                    tier = Outcome.HIT_L2;
                }
            }
        }
        boolean forceRender = c.honourRequestNoCache && requestNoCache(req);
        if (page != null && page.isFresh(now) && !forceRender) {
            (tier == Outcome.HIT_L1 ? c.stats.hitsL1 : c.stats.hitsL2).increment();
            long bytes = serve(page, req, res, tier, null, now);
            c.listener.request(tier, null, bytes, System.nanoTime() - t0);
            return;
        }
        if (!get) {
            // a HEAD that misses goes to the handler as it is; only GETs fill the cache
            bypass(req, res, chain, "head-miss", t0);
            return;
        }
        if (page != null && !forceRender && page.withinStaleWhileRevalidate(now)) {
            c.stats.stale.increment();
            long bytes = serve(page, req, res, Outcome.STALE, "stale-while-revalidate", now);
            c.listener.request(Outcome.STALE, "stale-while-revalidate", bytes, System.nanoTime() - t0);
            Flight mine = new Flight();
            if (flights.putIfAbsent(key, mine) == null) {
                // the client has its whole answer; refresh on this thread, out of its way
                res.flushBuffer();
                try {
                    res.getOutputStream().close();
                } catch (IllegalStateException e) {
                    res.getWriter().close();
                }
                Page fresh = null;
                try {
                    fresh = render(req, res, chain, key, rule, null, mine, true, false, now);
                } finally {
                    flights.remove(key, mine);
                    mine.done.complete(fresh);
                }
            }
            return;
        }
        Page stale = page != null && page.withinStaleIfError(now) ? page : null;
        Page result = null;
        Flight mine = authorized ? null : new Flight();
        Flight leader = mine == null ? null : flights.putIfAbsent(key, mine);
        while (leader != null) {
            Page shared = await(leader);
            if (shared != null && variantId(shared.vary(), req).equals(leader.variant)) {
                c.stats.misses.increment();
                long bytes = serve(shared, req, res, Outcome.MISS, "collapsed", System.currentTimeMillis());
                c.listener.request(Outcome.MISS, "collapsed", bytes, System.nanoTime() - t0);
                return;
            }
            if (leader.done.isDone()) {
                // the leader's answer was not storable (or another variant): every request renders its own
                mine = null;
                break;
            }
            // the leader is still at it after the coalesce timeout (waiting for another node, or a slow origin):
            // one waiter takes over, the others wait for it, rather than all of them rendering at once
            flights.remove(key, leader);
            mine = new Flight();
            leader = flights.putIfAbsent(key, mine);
        }
        try {
            if (mine != null && leader == null && !forceRender) {
                // the previous render of this key may have finished between this request's lookup and its taking
                // the flight: its page is in memory now, and rendering again would be a second render
                long t = System.currentTimeMillis();
                LocalTier.Entry entry = c.local.get(key);
                Page done = entry == null ? null : entry.variants().get(variantId(entry.vary(), req));
                if (done != null && done.isFresh(t) && (c.invalidation.localTrusted() || c.invalidation.recent(done.storedAt(), t))) {
                    result = done;
                    mine.variant = variantId(done.vary(), req);
                    c.stats.hitsL1.increment();
                    long bytes = serve(done, req, res, Outcome.HIT_L1, null, t);
                    c.listener.request(Outcome.HIT_L1, null, bytes, System.nanoTime() - t0);
                    return;
                }
            }
            if (mine != null && c.clusterLock && c.shared != null) {
                Page fromPeer = renderedElsewhere(key, req, mine);
                if (fromPeer != null) {
                    result = fromPeer;
                    c.stats.hitsL2.increment();
                    long bytes = serve(fromPeer, req, res, Outcome.HIT_L2, "collapsed", System.currentTimeMillis());
                    c.listener.request(Outcome.HIT_L2, "collapsed", bytes, System.nanoTime() - t0);
                    return;
                }
            }
            Flight flight = mine != null ? mine : new Flight();
            result = render(req, res, chain, key, rule, stale, flight, false, authorized, now);
            if (flight.servedStale) {
                c.listener.request(Outcome.STALE, "stale-if-error", 0, System.nanoTime() - t0);
            } else {
                c.stats.misses.increment();
                c.listener.request(Outcome.MISS, result != null ? "stored" : "not-stored", 0, System.nanoTime() - t0);
            }
        } finally {
            if (mine != null) {
                flights.remove(key, mine);
                mine.done.complete(result);
                if (mine.locked) {
                    // the lock is released only once the page is in Redis: a node that then takes the
                    // free lock finds the page instead of rendering it again
                    String owner = c.nodeId + ":" + Thread.currentThread().getId();
                    String lockKey = c.namespace + ":l:" + key;
                    CompletableFuture<Void> written = mine.written;
                    if (written == null || written.isDone()) {
                        c.sharedCall(() -> c.shared.unlock(lockKey, owner));
                    } else {
                        written.whenCompleteAsync((r, e) -> c.sharedCall(() -> c.shared.unlock(lockKey, owner)), c.background);
                    }
                }
            }
        }
    }

    private Page await(Flight leader) {
        try {
            return leader.done.get(c.coalesceTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Takes the cluster render lock; if another node holds it, waits for that node's page to reach
     * Redis. The holder releases the lock only after its page is written, so a waiter that finds
     * the lock free either finds the page or renders because there is none to find: the holder's
     * response was not storable, or the holder died and its lease ({@code lock-ttl}) ran out. A
     * slow or failed Redis call while waiting is retried; the waiter renders on its own only when
     * the coalesce timeout has passed.
     *
     * @return the page another node rendered, or null when this node should render
     */
    private Page renderedElsewhere(String key, HttpServletRequest req, Flight mine) {
        String lockKey = c.namespace + ":l:" + key;
        String owner = c.nodeId + ":" + Thread.currentThread().getId();
        SharedTier first = c.shared;
        boolean[] locked = {false};
        try {
            // directly, not through the circuit breaker: on a busy machine the breaker opens on slow calls, and
            // skipping the lock then renders the page on every node; one attempt bounds the cost when Redis is down
            locked[0] = first.tryLock(lockKey, owner, c.lockTtlMillis);
        } catch (RuntimeException e) {
            c.sharedFailure(e);
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(c.coalesceTimeoutMillis);
        long pause = 5;
        while (true) {
            if (locked[0]) {
                mine.locked = true;
                // the node that held the lock may have finished between this node's lookup and now
                long now = System.currentTimeMillis();
                try {
                    Page p = lookupDirect(c.shared, key, req, now);
                    if (p != null && p.isFresh(now)) {
                        mine.variant = variantId(p.vary(), req);
                        return p;
                    }
                } catch (RuntimeException e) {
                    c.sharedFailure(e);
                }
                return null;
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause = Math.min(50, pause * 2);
            SharedTier tier = c.shared;
            try {
                long now = System.currentTimeMillis();
                Page p = lookupDirect(tier, key, req, now);
                if (p != null && p.isFresh(now)) {
                    mine.variant = variantId(p.vary(), req);
                    return p;
                }
                locked[0] = tier.tryLock(lockKey, owner, c.lockTtlMillis);
            } catch (RuntimeException e) {
                // a slow or failed call while waiting is not a reason to render: try again until the deadline
                c.stats.sharedFailures.increment();
            }
        }
    }

    /**
     * A page in memory that the node may not serve on its own (its lease lapsed): Redis has the
     * last word. A purge deleted the page there, so finding it (or a newer one) there proves it was
     * not purged; not finding it, or not reaching Redis, means render.
     */
    private Page confirmedByRedis(String key, HttpServletRequest req, Page inMemory, long now) {
        SharedTier tier = c.shared;
        if (tier == null) {
            return null;
        }
        try {
            Page p = lookupDirect(tier, key, req, now);
            return p != null && p.storedAt() >= inMemory.storedAt() ? p : null;
        } catch (RuntimeException e) {
            c.stats.sharedFailures.increment();
            return null;
        }
    }

    /** A Redis lookup outside the circuit breaker (its failures are the caller's to handle). */
    private Page lookupDirect(SharedTier tier, String key, HttpServletRequest req, long now) {
        String rkey = c.redisKey(key);
        byte[][] r = tier.lookup(rkey);
        if (r[0] == null) {
            return null;
        }
        String vary = new String(r[0], StandardCharsets.UTF_8);
        byte[] data = r[1];
        String variant = SharedTier.NO_VARIANT;
        if (!vary.isEmpty()) {
            variant = variantId(vary, req);
            data = tier.variant(rkey, variant);
        }
        Page p = Page.decode(data);
        if (p == null || !p.url().equals(key) || p.retainMillis(now) <= 0) {
            return null;
        }
        c.local.put(key, variant, p);
        return p;
    }

    /** A Redis lookup under the circuit breaker: null when the breaker is open or the call failed. */
    private Page sharedLookup(String key, HttpServletRequest req, long now) {
        Page[] found = {null};
        c.sharedCall(() -> found[0] = lookupDirect(c.shared, key, req, now));
        return found[0];
    }

    /**
     * Calls the handler and stores the response if RFC 9111 and the rules allow.
     *
     * @param stale    a page to serve instead if the handler fails (stale-if-error), or null
     * @param detached whether no client waits (a background refresh)
     * @return the stored page, or null
     */
    private Page render(HttpServletRequest req, HttpServletResponse res, FilterChain chain, String key, RouteRule rule,
            Page stale, Flight flight, boolean detached, boolean authorized, long started)
            throws IOException, ServletException {
        CaptureResponse[] holder = new CaptureResponse[1];
        CaptureResponse cap = new CaptureResponse(res, c.maxBodyBytes, detached, () -> {
            CaptureResponse self = holder[0];
            copyHead(self, res);
            statusHeaders(res, Outcome.MISS, "fwd=uri-miss; detail=too-large");
        });
        holder[0] = cap;
        long r0 = System.nanoTime();
        Throwable failure = null;
        try {
            chain.doFilter(new Unconditional(req), cap);
        } catch (IOException | ServletException | RuntimeException e) {
            failure = e;
        }
        long renderNanos = System.nanoTime() - r0;
        c.stats.renders.increment();
        if (cap.streaming()) {
            c.listener.render(renderNanos, false);
            rethrow(failure);
            return null;
        }
        long now = System.currentTimeMillis();
        boolean failed = failure != null || cap.getStatus() >= 500;
        if (failed && stale != null && stale.withinStaleIfError(now) && !detached) {
            c.stats.stale.increment();
            c.listener.render(renderNanos, false);
            if (flight != null) {
                flight.servedStale = true;
            }
            serve(stale, req, res, Outcome.STALE, "stale-if-error", now);
            if (failure != null) {
                LOG.log(Level.WARNING, "page cache: handler failed for " + key + "; served the stale page", failure);
            }
            return null;
        }
        if (failure != null) {
            c.listener.render(renderNanos, false);
            if (detached) {
                LOG.log(Level.WARNING, "page cache: background refresh of " + key + " failed", failure);
                return null;
            }
            rethrow(failure);
        }
        if (cap.overflowed()) {
            c.listener.render(renderNanos, false);
            return null;
        }
        Freshness.Decision d = Freshness.decide(c, cap, authorized, req.getHeader("Cookie") != null, rule, now);
        Page page = d.store() ? toPage(key, cap, d, now) : null;
        c.listener.render(renderNanos, page != null);
        if (page != null && (flight == null || !flight.purged)) {
            String variant = variantId(page.vary(), req);
            if (flight != null) {
                flight.variant = variant;
            }
            c.stats.stored.increment();
            // Redis first: once this node serves the page from memory, its write is already under way
            if (c.shared != null && c.breaker.allow()) {
                List<String> tagKeys = new ArrayList<>();
                for (String tag : page.tags()) {
                    tagKeys.add(c.namespace + ":t:" + tag);
                }
                c.pendingWrites.incrementAndGet();
                CompletableFuture<Void> written = new CompletableFuture<>();
                if (flight != null) {
                    flight.written = written;
                }
                writeShared(key, variant, page, tagKeys, now, flight, written, 1, System.nanoTime());
            }
            c.local.put(key, variant, page);
        }
        if (!detached) {
            if (page != null) {
                serve(page, req, res, Outcome.MISS, "stored", now);
            } else {
                replay(cap, res, d.reason());
            }
        }
        return page;
    }

    /**
     * Writes a page to Redis. A write that fails (a command timeout on a busy machine) is retried
     * with backoff: for up to half the lock lease while the render holds the cluster lock (the
     * lock is released only after the write, and a node that took it over would find no page and
     * render again), else for up to a second.
     */
    private void writeShared(String key, String variant, Page page, List<String> tagKeys, long now, Flight flight,
                             CompletableFuture<Void> written, int attempt, long firstNanos) {
        java.util.function.Consumer<Throwable> onDone = failure -> {
            if (failure == null) {
                c.pendingWrites.decrementAndGet();
                written.complete(null);
                return;
            }
            c.sharedFailure(failure);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstNanos);
            // with the cluster lock, for up to half its lease; without, a few times (the page is in memory too)
            long budget = flight != null && flight.locked ? c.lockTtlMillis / 2 : 1000;
            boolean retry = (flight == null || !flight.purged) && c.shared != null
                    && elapsedMillis + (10L << Math.min(attempt, 6)) < budget;
            if (retry) {
                try {
                    c.background.schedule(() -> writeShared(key, variant, page, tagKeys, now, flight, written, attempt + 1, firstNanos),
                            10L << Math.min(attempt, 6), TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the cache is closing: give up
                }
            }
            c.pendingWrites.decrementAndGet();
            written.complete(null);
        };
        try {
            c.shared.store(c.redisKey(key), page.vary(), variant, page.encode(), page.retainMillis(now), tagKeys, onDone);
        } catch (RuntimeException e) {
            onDone.accept(e);
        }
    }

    private static void rethrow(Throwable failure) throws IOException, ServletException {
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof ServletException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
    }

    // ---- building and serving pages --------------------------------------------------------------

    private Page toPage(String key, CaptureResponse cap, Freshness.Decision d, long now) {
        List<String> headers = new ArrayList<>();
        Set<String> connectionNamed = new TreeSet<>();
        for (String v : cap.getHeaders("Connection")) {
            for (String n : v.split(",")) {
                connectionNamed.add(n.trim().toLowerCase(Locale.ROOT));
            }
        }
        List<String> tags = new ArrayList<>();
        for (String[] h : cap.headerList()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if (isTagHeader(lower)) {
                for (String t : h[1].split("[\\s,]+")) {
                    if (!t.isEmpty() && !tags.contains(t)) {
                        tags.add(t);
                    }
                }
                continue;
            }
            if (NOT_STORED.contains(lower) || connectionNamed.contains(lower)
                    || (!c.forwardSurrogateControl && lower.equals("surrogate-control"))) {
                continue;
            }
            headers.add(h[0]);
            headers.add(h[1]);
        }
        byte[] identity = cap.body();
        boolean originEncoded = cap.getHeader("Content-Encoding") != null;
        boolean compress = !originEncoded && identity.length >= 256 && compressible(cap.getContentType());
        byte[] body = compress ? gzip(identity) : identity;
        String etag = cap.getHeader("ETag");
        if (etag == null && cap.getStatus() == 200) {
            etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(identity)).substring(0, 22) + "\"";
        }
        TreeSet<String> vary = new TreeSet<>();
        for (String v : cap.getHeaders("Vary")) {
            for (String n : v.split(",")) {
                String name = n.trim().toLowerCase(Locale.ROOT);
                // the cache serves both codings of a body it compressed itself: no variant per Accept-Encoding
                if (!name.isEmpty() && !(name.equals("accept-encoding") && !originEncoded)) {
                    vary.add(name);
                }
            }
        }
        return new Page(key, cap.getStatus(), now, d.initialAgeMillis(), d.freshMillis(), d.staleWhileRevalidateMillis(),
                d.staleIfErrorMillis(), etag, cap.getHeader("Last-Modified"), compress, String.join(",", vary), headers,
                tags, body, compress ? identity : null);
    }

    private boolean isTagHeader(String lowerName) {
        for (String t : c.tagHeaders) {
            if (t.equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }

    /** Writes a stored page as the answer, or 304 when the request's validators match. @return body bytes sent */
    private long serve(Page page, HttpServletRequest req, HttpServletResponse res, Outcome outcome, String detail, long now)
            throws IOException {
        boolean gz = page.compressed() && acceptsGzip(req);
        String etag = page.etag() == null ? null : gz ? codingEtag(page.etag()) : page.etag();
        res.setStatus(page.status());
        List<String> h = page.headers();
        boolean varyEncoding = false;
        for (int i = 0; i + 1 < h.size(); i += 2) {
            res.addHeader(h.get(i), h.get(i + 1));
            if (h.get(i).equalsIgnoreCase("Vary") && h.get(i + 1).toLowerCase(Locale.ROOT).contains("accept-encoding")) {
                varyEncoding = true;
            }
        }
        if (page.compressed() && !varyEncoding) {
            res.addHeader("Vary", "Accept-Encoding");
        }
        if (etag != null) {
            res.setHeader("ETag", etag);
        }
        if (page.lastModified() != null) {
            res.setHeader("Last-Modified", page.lastModified());
        }
        if (!c.stripTags && !page.tags().isEmpty()) {
            res.setHeader(c.tagHeaders.get(0), String.join(" ", page.tags()));
        }
        res.setHeader("Age", Long.toString(page.ageMillis(now) / 1000));
        long ttl = page.ttlMillis(now) / 1000;
        String status = switch (outcome) {
            case HIT_L1 -> "hit; ttl=" + ttl + "; detail=l1";
            case HIT_L2 -> "hit; ttl=" + ttl + "; detail=l2" + ("collapsed".equals(detail) ? "; collapsed" : "");
            case STALE -> "hit; ttl=" + ttl + "; detail=" + detail;
            default -> "fwd=uri-miss; fwd-status=" + page.status() + ("stored".equals(detail) ? "; stored" : "")
                    + ("collapsed".equals(detail) ? "; collapsed" : "");
        };
        if (outcome == Outcome.STALE && "stale-if-error".equals(detail)) {
            status = "fwd=miss; ttl=" + ttl + "; detail=stale-if-error";
        }
        statusHeaders(res, outcome, status);
        if (page.status() == 200 && notModified(req, page, etag)) {
            res.setStatus(304);
            return 0;
        }
        byte[] body = gz ? page.body() : page.identity();
        if (gz) {
            res.setHeader("Content-Encoding", "gzip");
        }
        res.setContentLength(body.length);
        if (!req.getMethod().equals("HEAD")) {
            res.getOutputStream().write(body);
        }
        return body.length;
    }

    /** Passes on a response that was not stored, as the handler made it (less tag headers). */
    private void replay(CaptureResponse cap, HttpServletResponse res, String reason) throws IOException {
        copyHead(cap, res);
        statusHeaders(res, Outcome.MISS, "fwd=uri-miss; fwd-status=" + cap.getStatus() + "; detail=" + reason);
        if (cap.isError()) {
            res.sendError(cap.getStatus(), cap.errorMessage());
            return;
        }
        byte[] body = cap.body();
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private void copyHead(CaptureResponse cap, HttpServletResponse res) {
        res.setStatus(cap.getStatus());
        for (String[] h : cap.headerList()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if ((c.stripTags && isTagHeader(lower)) || (!c.forwardSurrogateControl && lower.equals("surrogate-control"))
                    || lower.equals("content-length")) {
                continue;
            }
            res.addHeader(h[0], h[1]);
        }
        for (Cookie cookie : cap.cookies()) {
            res.addCookie(cookie);
        }
    }

    private void statusHeaders(HttpServletResponse res, Outcome outcome, String cacheStatus) {
        if (c.statusHeaders) {
            res.setHeader("X-Cache", outcome.header());
            res.setHeader("Cache-Status", "Polystore; " + cacheStatus);
        }
    }

    private void bypass(HttpServletRequest req, HttpServletResponse res, FilterChain chain, String reason, long t0)
            throws IOException, ServletException {
        c.stats.bypasses.increment();
        statusHeaders(res, Outcome.BYPASS, "fwd=bypass; detail=" + reason);
        chain.doFilter(req, res);
        c.listener.request(Outcome.BYPASS, reason, 0, System.nanoTime() - t0);
    }

    // ---- request classification ------------------------------------------------------------------

    private boolean hostAllowed(String host) {
        if (c.hosts.isEmpty()) {
            return true;
        }
        for (String allowed : c.hosts) {
            if (allowed.equals(host) || (allowed.startsWith("*.") && host.endsWith(allowed.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    private RouteRule route(String path) {
        for (RouteRule r : c.routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    private String bypassReason(HttpServletRequest req, RouteRule rule) {
        if (rule != null && rule.action() == RouteRule.Action.NEVER) {
            return "route";
        }
        if (req.getHeader("Range") != null) {
            return "range";
        }
        String upgrade = req.getHeader("Upgrade");
        // a WebSocket handshake is not a page; an offer of h2c (which the JDK client makes) is ignored
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            return "upgrade";
        }
        Directives cc = Directives.parse(Collections.list(req.getHeaders("Cache-Control")));
        if (cc.has("no-store")) {
            return "no-store-request";
        }
        String cookies = String.join(";", Collections.list(req.getHeaders("Cookie")));
        if (!cookies.isEmpty()) {
            for (String part : cookies.split(";")) {
                int eq = part.indexOf('=');
                String name = (eq < 0 ? part : part.substring(0, eq)).trim();
                for (String session : c.sessionCookies) {
                    if (session.equalsIgnoreCase(name)) {
                        return "session-cookie";
                    }
                }
            }
        }
        return null;
    }

    private static boolean requestNoCache(HttpServletRequest req) {
        Directives cc = Directives.parse(Collections.list(req.getHeaders("Cache-Control")));
        return cc.has("no-cache") || cc.seconds("max-age") == 0
                || "no-cache".equalsIgnoreCase(req.getHeader("Pragma"));
    }

    /** @return the variant field for the request's values of the Vary'd headers */
    static String variantId(String vary, HttpServletRequest req) {
        if (vary.isEmpty()) {
            return SharedTier.NO_VARIANT;
        }
        StringBuilder sb = new StringBuilder();
        for (String name : vary.split(",")) {
            String value = String.join(",", Collections.list(req.getHeaders(name)));
            value = value.trim().replaceAll("\\s+", " ").replaceAll(" ?, ?", ",");
            if (name.equals("accept-encoding")) {
                value = acceptsGzip(req) ? "gzip" : "identity";
            }
            sb.append(name.length()).append(':').append(name).append('=').append(value.length()).append(':')
                    .append(value).append('\n');
        }
        return sha256Hex(sb.toString(), 32);
    }

    static boolean acceptsGzip(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("Accept-Encoding");
        while (values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String[] parts = coding.trim().split(";");
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                    boolean zero = false;
                    for (int i = 1; i < parts.length; i++) {
                        String p = parts[i].trim().toLowerCase(Locale.ROOT);
                        if (p.startsWith("q=")) {
                            try {
                                zero = Double.parseDouble(p.substring(2)) <= 0;
                            } catch (NumberFormatException e) {
                                zero = true;
                            }
                        }
                    }
                    if (!zero) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean notModified(HttpServletRequest req, Page page, String etag) {
        String inm = req.getHeader("If-None-Match");
        if (inm != null) {
            if (etag == null) {
                return false;
            }
            if (inm.trim().equals("*")) {
                return true;
            }
            String mine = opaque(etag);
            for (String candidate : inm.split(",")) {
                if (opaque(candidate.trim()).equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        String ims = req.getHeader("If-Modified-Since");
        if (ims != null && page.lastModified() != null) {
            long since = Freshness.parseDate(ims);
            long modified = Freshness.parseDate(page.lastModified());
            return since > 0 && modified > 0 && modified <= since;
        }
        return false;
    }

    /** @return an entity tag without W/ and without the coding suffix, for weak comparison */
    private static String opaque(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.replace("-gzip\"", "\"");
    }

    private static String codingEtag(String etag) {
        if (etag.endsWith("\"")) {
            return etag.substring(0, etag.length() - 1) + "-gzip\"";
        }
        return etag;
    }

    private static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        t = (semi < 0 ? t : t.substring(0, semi)).trim();
        return t.startsWith("text/") || t.equals("application/json") || t.endsWith("+json") || t.endsWith("+xml")
                || t.equals("application/xml") || t.equals("application/javascript") || t.equals("image/svg+xml");
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(String s, int hexChars) {
        return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8))).substring(0, hexChars);
    }

    // ---- invalidation by unsafe requests and the purge endpoint ----------------------------------

    private void invalidateAfterUnsafe(HttpServletRequest req, HttpServletResponse res) {
        int status = res.getStatus();
        if (status < 200 || status >= 400) {
            return;
        }
        String scheme = req.getScheme().toLowerCase(Locale.ROOT);
        String host = UrlNormalizer.host(req.getServerName());
        if (!hostAllowed(host)) {
            return;
        }
        String origin = scheme + "://" + PageCache.authority(scheme, host, req.getServerPort());
        String target = origin + req.getRequestURI() + (req.getQueryString() != null ? "?" + req.getQueryString() : "");
        purgeQuietly(target);
        for (String header : List.of("Location", "Content-Location")) {
            String value = res.getHeader(header);
            if (value == null) {
                continue;
            }
            try {
                URI resolved = URI.create(target).resolve(value.trim());
                String u = resolved.toString();
                // only the same origin: a response must not purge another site's pages (RFC 9111 §4.4)
                if (u.startsWith(origin + "/")) {
                    purgeQuietly(u);
                }
            } catch (IllegalArgumentException e) {
                // an unparseable Location purges nothing
            }
        }
    }

    private void purgeQuietly(String url) {
        try {
            c.invalidateUrl(url); // waits at most two Redis timeouts; retried until Redis accepts it
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "page cache: could not purge " + url, e);
        }
    }

    private void purgeEndpoint(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Cache-Control", "no-store");
        if (!req.getMethod().equals("POST") && !req.getMethod().equals("PURGE")) {
            res.setHeader("Allow", "POST, PURGE");
            answer(res, 405, "{\"error\":\"use POST or PURGE\"}");
            return;
        }
        if (!addressAllowed(req.getRemoteAddr())) {
            answer(res, 403, "{\"error\":\"address not allowed\"}");
            return;
        }
        String given = req.getHeader("X-Purge-Token");
        String auth = req.getHeader("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                c.purgeToken.getBytes(StandardCharsets.UTF_8))) {
            res.setHeader("WWW-Authenticate", "Bearer");
            answer(res, 401, "{\"error\":\"missing or wrong purge token\"}");
            return;
        }
        String[] urls = values(req, "url");
        String[] prefixes = values(req, "prefix");
        String[] tags = values(req, "tag");
        boolean all = "true".equals(req.getParameter("all"));
        if (urls.length + prefixes.length + tags.length == 0 && !all) {
            answer(res, 400, "{\"error\":\"name what to purge: url=, prefix=, tag= or all=true\"}");
            return;
        }
        List<PurgeResult> results = new ArrayList<>();
        try {
            for (String u : urls) {
                results.add(c.purgeUrl(u));
            }
            for (String p : prefixes) {
                results.add(c.purgePrefix(p));
            }
            for (String t : tags) {
                results.add(c.purgeTag(t));
            }
            if (all) {
                results.add(c.purgeAll());
            }
        } catch (IllegalArgumentException e) {
            answer(res, 400, "{\"error\":" + jsonString(e.getMessage()) + "}");
            return;
        }
        long pending = results.stream().filter(r -> !r.delivered()).count();
        String counts = "{\"urls\":" + urls.length + ",\"prefixes\":" + prefixes.length + ",\"tags\":" + tags.length
                + ",\"all\":" + all + "}";
        if (pending > 0) {
            // this node's memory is purged and the purge is being retried, but the other nodes may
            // still serve the pages: the caller must know (and may retry, or alarm)
            String why = results.stream().filter(r -> !r.delivered()).map(PurgeResult::failure)
                    .filter(java.util.Objects::nonNull).findFirst().orElse("not delivered in time");
            res.setHeader("Retry-After", "1");
            answer(res, 503, "{\"error\":\"the shared tier did not accept the purge yet; it is being retried\",\"pending\":"
                    + pending + ",\"cause\":" + jsonString(why) + ",\"requested\":" + counts + "}");
            return;
        }
        answer(res, 200, "{\"purged\":" + counts + "}");
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : String.valueOf(s).toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String[] values(HttpServletRequest req, String name) {
        String[] v = req.getParameterValues(name);
        return v == null ? new String[0] : v;
    }

    private static void answer(HttpServletResponse res, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private boolean addressAllowed(String address) {
        for (String cidr : c.purgeAllow) {
            if (inCidr(address, cidr)) {
                return true;
            }
        }
        return false;
    }

    static void checkCidr(String cidr) {
        String[] parts = cidr.trim().split("/");
        byte[] net = literal(parts[0]);
        if (net == null) {
            throw new IllegalArgumentException("not an IP address: " + cidr);
        }
        if (parts.length > 1) {
            int bits = Integer.parseInt(parts[1]);
            if (bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + cidr);
            }
        }
    }

    static boolean inCidr(String address, String cidr) {
        String[] parts = cidr.trim().split("/");
        byte[] net = literal(parts[0]);
        byte[] addr = literal(address);
        if (net == null || addr == null || net.length != addr.length) {
            return false;
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** @return the address bytes of an IP literal, never a DNS lookup; null if not a literal */
    private static byte[] literal(String s) {
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (!t.matches("[0-9.]+") && !t.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The request as the handler sees it on a miss: without validators, so it renders a full page. */
    private static final class Unconditional extends HttpServletRequestWrapper {
        Unconditional(HttpServletRequest req) {
            super(req);
        }

        @Override
        public String getHeader(String name) {
            return CONDITIONAL.contains(name.toLowerCase(Locale.ROOT)) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return CONDITIONAL.contains(name.toLowerCase(Locale.ROOT)) ? Collections.emptyEnumeration()
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String n : Collections.list(super.getHeaderNames())) {
                if (!CONDITIONAL.contains(n.toLowerCase(Locale.ROOT))) {
                    names.add(n);
                }
            }
            return Collections.enumeration(names);
        }

        @Override
        public long getDateHeader(String name) {
            return CONDITIONAL.contains(name.toLowerCase(Locale.ROOT)) ? -1 : super.getDateHeader(name);
        }
    }
}
