package io.polystore.pagecache;

import io.polystore.pagecache.Coalescer.Flight;
import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Directives;
import io.polystore.pagecache.internal.LocalTier;
import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.UrlNormalizer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The request path of the page cache (docs/PAGE-CACHE.md describes it step by step). */
final class RequestHandler {
    private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());

    private final PageCache c;
    private final Settings s;
    private final PageLookup lookup;
    private final Responses responses;
    private final PurgeEndpoint purges;

    /** Methods known to be safe (RFC 9110 §9.2.1); GET and HEAD are handled before. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    RequestHandler(PageCache c) {
        this.c = c;
        this.s = c.settings;
        this.lookup = c.lookup;
        this.responses = new Responses(c.settings);
        this.purges = new PurgeEndpoint(c);
    }

    void handle(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        long t0 = System.nanoTime();
        String method = req.getMethod();
        if (s.purgePath() != null && s.purgePath().equals(req.getRequestURI())) {
            purges.handle(req, res);
            return;
        }
        boolean get = method.equals("GET");
        if (!get && !method.equals("HEAD")) {
            bypass(req, res, chain, "method", t0);
            // RFC 9111 §4.4: any method not known to be safe (POST, PUT, PATCH, DELETE, and methods this cache
            // does not know) invalidates; OPTIONS and TRACE are safe (RFC 9110 §9.2.1)
            if (s.invalidateOnUnsafe() && !SAFE_METHODS.contains(method)) {
                purges.invalidateAfterUnsafe(req, res);
            }
            return;
        }
        String host = UrlNormalizer.host(req.getServerName());
        if (!s.hostAllowed(host)) {
            bypass(req, res, chain, "host", t0);
            return;
        }
        String path = UrlNormalizer.path(req.getRequestURI());
        RouteRule rule = s.route(path);
        Directives requestCc = requestDirectives(req);
        String reason = bypassReason(req, rule, requestCc);
        if (reason != null) {
            bypass(req, res, chain, reason, t0);
            return;
        }
        String scheme = req.getScheme().toLowerCase(Locale.ROOT);
        String key = c.key(scheme, host, req.getServerPort(), path, req.getQueryString());
        boolean authorized = req.getHeader("Authorization") != null;
        long now = System.currentTimeMillis();
        Page page = null;
        Outcome tier = null;
        if (!authorized) {
            LocalTier.Entry entry = c.local.get(key);
            if (entry != null) {
                page = entry.variants().get(Conditional.variantId(entry.vary(), req));
                tier = Outcome.HIT_L1;
                // the memory tier only while this node is sure it heard every purge, or for a page whose
                // request began less than the invalidation bound ago (see Invalidation)
                if (page != null && !c.invalidation.memoryServable(page.storedAt(), now)) {
                    page = lookup.confirmedByRedis(key, req, page, now);
                    tier = page == null ? null : Outcome.HIT_L2;
                }
            }
            if (c.shared != null && (page == null || !page.isFresh(now))) {
                // nothing here, or only a stale copy: another node may have refreshed it already
                Page shared = lookup.shared(key, req, now);
                if (shared != null && (page == null || shared.storedAt() > page.storedAt())) {
                    page = shared;
                    tier = Outcome.HIT_L2;
                }
            }
        }
        boolean forceRender = s.honourRequestNoCache() && requestNoCache(req, requestCc);
        if (page != null && page.isFresh(now) && !forceRender) {
            (tier == Outcome.HIT_L1 ? c.stats.hitsL1 : c.stats.hitsL2).increment();
            long bytes = responses.serve(page, req, res, tier, null, now);
            c.listener.request(tier, null, bytes, System.nanoTime() - t0);
            return;
        }
        if (!get) {
            // a HEAD that misses goes to the handler as it is; only GETs fill the cache
            bypass(req, res, chain, "head-miss", t0);
            return;
        }
        if (req.getHeader("Range") != null) {
            // a range of a page not fresh here goes to the handler as it is; its 206 is not stored as the page
            bypass(req, res, chain, "range", t0);
            return;
        }
        // a stored page the origin can validate is revalidated rather than fetched whole
        Page candidate = page != null && page.hasValidator() && page.status() == 200 ? page : null;
        if (page != null && !forceRender && page.withinStaleWhileRevalidate(now)) {
            c.stats.stale.increment();
            long bytes = responses.serve(page, req, res, Outcome.STALE, "stale-while-revalidate", now);
            c.listener.request(Outcome.STALE, "stale-while-revalidate", bytes, System.nanoTime() - t0);
            Flight mine = new Flight();
            if (c.coalescer.join(key, mine) == null) {
                // the client has its whole answer; refresh on this thread, out of its way
                res.flushBuffer();
                try {
                    res.getOutputStream().close();
                } catch (IllegalStateException e) {
                    res.getWriter().close();
                }
                Page fresh = null;
                try {
                    fresh = render(req, res, chain, key, rule, null, candidate, mine, true, false);
                } finally {
                    c.coalescer.finish(key, mine, fresh);
                }
            }
            return;
        }
        Page stale = page != null && page.withinStaleIfError(now) ? page : null;
        Page result = null;
        Flight mine = authorized ? null : new Flight();
        Flight leader = mine == null ? null : c.coalescer.join(key, mine);
        while (leader != null) {
            Page shared = c.coalescer.await(leader);
            if (shared != null && Conditional.variantId(shared.vary(), req).equals(leader.variant)) {
                c.stats.misses.increment();
                long bytes = responses.serve(shared, req, res, Outcome.MISS, "collapsed", System.currentTimeMillis());
                c.listener.request(Outcome.MISS, "collapsed", bytes, System.nanoTime() - t0);
                return;
            }
            if (leader.done.isDone()) {
                // the leader's answer was not storable (or another variant): every request renders its own
                mine = null;
                break;
            }
            mine = new Flight();
            leader = c.coalescer.takeOver(key, leader, mine);
        }
        try {
            if (mine != null && leader == null && !forceRender) {
                // the previous render of this key may have finished between this request's lookup and its taking
                // the flight: its page is in memory now, and rendering again would be a second render
                long t = System.currentTimeMillis();
                LocalTier.Entry entry = c.local.get(key);
                Page done = entry == null ? null : entry.variants().get(Conditional.variantId(entry.vary(), req));
                if (done != null && done.isFresh(t) && c.invalidation.memoryServable(done.storedAt(), t)) {
                    result = done;
                    mine.variant = Conditional.variantId(done.vary(), req);
                    c.stats.hitsL1.increment();
                    long bytes = responses.serve(done, req, res, Outcome.HIT_L1, null, t);
                    c.listener.request(Outcome.HIT_L1, null, bytes, System.nanoTime() - t0);
                    return;
                }
            }
            if (mine != null && s.clusterLock() && c.shared != null) {
                Page fromPeer = c.coalescer.renderedElsewhere(key, req, mine);
                if (fromPeer != null) {
                    result = fromPeer;
                    c.stats.hitsL2.increment();
                    long bytes = responses.serve(fromPeer, req, res, Outcome.HIT_L2, "collapsed", System.currentTimeMillis());
                    c.listener.request(Outcome.HIT_L2, "collapsed", bytes, System.nanoTime() - t0);
                    return;
                }
            }
            Flight flight = mine != null ? mine : new Flight();
            result = render(req, res, chain, key, rule, stale, candidate, flight, false, authorized);
            if (flight.servedStale) {
                c.listener.request(Outcome.STALE, "stale-if-error", 0, System.nanoTime() - t0);
            } else if (result != null && candidate != null && result.body() == candidate.body()) {
                c.listener.request(Outcome.REVALIDATED, "stored", 0, System.nanoTime() - t0);
            } else {
                c.stats.misses.increment();
                c.listener.request(Outcome.MISS, result != null ? "stored" : "not-stored", 0, System.nanoTime() - t0);
            }
        } finally {
            if (mine != null) {
                c.coalescer.finish(key, mine, result);
            }
        }
    }

    /**
     * Calls the handler and stores the response if RFC 9111 and the rules allow. With a stored page
     * the origin can validate, the call is conditional (RFC 9111 §4.3): a 304 that selects the page
     * freshens it (its headers updated, its body kept) instead of sending the body again.
     *
     * @param stale     a page to serve instead if the handler fails (stale-if-error), or null
     * @param candidate a stored page to revalidate, or null for an unconditional render
     * @param detached  whether no client waits (a background refresh)
     * @return the stored page, or null
     */
    private Page render(HttpServletRequest req, HttpServletResponse res, FilterChain chain, String key, RouteRule rule,
            Page stale, Page candidate, Flight flight, boolean detached, boolean authorized)
            throws IOException, ServletException {
        CaptureResponse[] holder = new CaptureResponse[1];
        CaptureResponse cap = new CaptureResponse(res, s.maxBodyBytes(), detached, () -> {
            CaptureResponse self = holder[0];
            responses.copyHead(self, res);
            responses.statusHeaders(res, Outcome.MISS, "fwd=uri-miss; detail=too-large");
        });
        holder[0] = cap;
        long requestTime = System.currentTimeMillis();
        long r0 = System.nanoTime();
        Throwable failure = null;
        try {
            chain.doFilter(candidate != null ? Conditional.revalidation(req, candidate) : Conditional.unconditional(req), cap);
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
            responses.serve(stale, req, res, Outcome.STALE, "stale-if-error", now);
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
        if (candidate != null && cap.getStatus() == 304 && !cap.isError()) {
            if (!Conditional.selects(cap, candidate) || cap.setsCookie()) {
                // a 304 about another representation (RFC 9111 §4.3.4), or one that sets a cookie: it cannot
                // update the stored page, so ask again without validators
                c.listener.render(renderNanos, false);
                return render(req, res, chain, key, rule, stale, null, flight, detached, authorized);
            }
            c.stats.revalidations.increment();
            List<String> headers = Conditional.updatedHeaders(candidate, cap, Responses.NOT_STORED);
            Freshness.Head head = Conditional.updatedHead(candidate, cap, headers);
            Freshness.Decision d = Freshness.decide(s, candidate.status(), head, authorized, req.getHeader("Cookie") != null,
                    rule, requestTime, now);
            // the updated response answers this request even when it may not be stored any more
            Freshness.Decision served = d.store() ? d
                    : new Freshness.Decision(null, 0, 0, 0, Freshness.initialAge(head, requestTime, now), 0);
            Page freshened = Conditional.freshen(candidate, cap, headers, served, now);
            Page kept = d.store() ? freshened : null;
            c.listener.render(renderNanos, kept != null);
            if (kept != null) {
                store(key, kept, req, flight, now);
            } else {
                // it may not be stored any more: drop the old copy so that the next request renders
                c.local.remove(key);
            }
            if (!detached) {
                responses.serve(freshened, req, res, Outcome.REVALIDATED, kept != null ? "stored" : "not-stored", now);
            }
            return kept;
        }
        Freshness.Decision d = Freshness.decide(s, cap, authorized, req.getHeader("Cookie") != null, rule, requestTime,
                now);
        Page page = d.store() ? responses.toPage(key, cap, d, now) : null;
        c.listener.render(renderNanos, page != null);
        if (page != null) {
            store(key, page, req, flight, now);
        }
        if (!detached) {
            if (page != null) {
                responses.serve(page, req, res, Outcome.MISS,
                        flight != null && flight.lockLapsed ? Responses.LOCK_LAPSED : "stored", now);
            } else {
                responses.replay(cap, res, d.reason() + (flight != null && flight.lockLapsed ? ", lock-lapsed" : ""));
            }
        }
        return page;
    }

    /**
     * Stores a page in both tiers, Redis first: once this node serves it from memory, its write is
     * already under way. Nothing is stored when a purge concerned the key during the render.
     */
    private void store(String key, Page page, HttpServletRequest req, Flight flight, long now) {
        if (flight != null && flight.purged) {
            return;
        }
        String variant = Conditional.variantId(page.vary(), req);
        if (flight != null) {
            flight.variant = variant;
        }
        c.stats.stored.increment();
        if (c.shared != null && c.breaker.allow()) {
            List<String> tagKeys = new ArrayList<>();
            for (String tag : page.tags()) {
                tagKeys.add(s.namespace() + ":t:" + tag);
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
            long budget = flight != null && flight.locked ? s.lockTtlMillis() / 2 : 1000;
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

    private void bypass(HttpServletRequest req, HttpServletResponse res, FilterChain chain, String reason, long t0)
            throws IOException, ServletException {
        c.stats.bypasses.increment();
        responses.statusHeaders(res, Outcome.BYPASS, "fwd=bypass; detail=" + reason);
        chain.doFilter(req, res);
        c.listener.request(Outcome.BYPASS, reason, 0, System.nanoTime() - t0);
    }

    // ---- request classification ------------------------------------------------------------------

    private String bypassReason(HttpServletRequest req, RouteRule rule, Directives requestCc) {
        if (rule != null && rule.action() == RouteRule.Action.NEVER) {
            return "route";
        }
        if (webSocket(req.getHeader("Upgrade"))) {
            return "upgrade";
        }
        if (requestCc.has("no-store")) {
            return "no-store-request";
        }
        // most requests carry no cookie: skip listing them
        String cookies = req.getHeader("Cookie") == null ? "" : String.join(";", Collections.list(req.getHeaders("Cookie")));
        if (!cookies.isEmpty()) {
            for (String part : cookies.split(";")) {
                int eq = part.indexOf('=');
                String name = (eq < 0 ? part : part.substring(0, eq)).trim();
                for (String session : s.sessionCookies()) {
                    if (session.equalsIgnoreCase(name)) {
                        return "session-cookie";
                    }
                }
            }
        }
        return null;
    }

    /**
     * @param upgrade a request's {@code Upgrade} field, or null
     * @return whether it is a WebSocket handshake, which is not a page; an offer of h2c (which the JDK
     *         client makes) is ignored
     */
    static boolean webSocket(String upgrade) {
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /** The request's Cache-Control, parsed once per request; most requests carry none. */
    private static Directives requestDirectives(HttpServletRequest req) {
        return req.getHeader("Cache-Control") == null ? Directives.NONE
                : Directives.parse(Collections.list(req.getHeaders("Cache-Control")));
    }

    private static boolean requestNoCache(HttpServletRequest req, Directives requestCc) {
        return requestCc.has("no-cache") || requestCc.seconds("max-age") == 0
                || "no-cache".equalsIgnoreCase(req.getHeader("Pragma"));
    }

    // ---- invalidation by unsafe requests and the purge endpoint ----------------------------------

}
